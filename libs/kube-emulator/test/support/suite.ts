/**
 * The one-cluster setup the conformance suites share: a provider from the environment, its first
 * cluster, client-node clients for it and, optionally, a fresh namespace. `close()` deletes the
 * namespaces it made (errors ignored) and then closes the provider.
 */
import type { EmulatedClusterOptions } from '../../src/index.ts';
import { clientsFor, createTestNamespace, type Clients } from './clients.ts';
import { clusterProvider, type ClusterProvider, type ProvidedCluster, type SuiteEnv } from './provider.ts';

export interface SuiteOptions {
  /** Creates a test namespace at start: with this name prefix, or `true` for the default one. */
  readonly namespace?: string | true;
  /** Options for the emulated cluster (ignored by a real API server). */
  readonly cluster?: Omit<EmulatedClusterOptions, 'name'>;
}

export interface SuiteCluster {
  /** For suites that need more clusters (closed by `close()`). */
  readonly provider: ClusterProvider;
  readonly cluster: ProvidedCluster;
  readonly c: Clients;
  /** Creates a fresh namespace that `close()` deletes. */
  createNamespace(prefix?: string): Promise<string>;
  close(): Promise<void>;
}

/** A suite cluster started with the `namespace` option: `ns` is that namespace. */
export type NamespacedSuiteCluster = SuiteCluster & { readonly ns: string };

export function startSuiteCluster(env: SuiteEnv, options: SuiteOptions & { readonly namespace: string | true }): Promise<NamespacedSuiteCluster>;
export function startSuiteCluster(env: SuiteEnv, options?: SuiteOptions): Promise<SuiteCluster>;
export async function startSuiteCluster(env: SuiteEnv, options: SuiteOptions = {}): Promise<SuiteCluster & { readonly ns?: string }> {
  const provider = clusterProvider(env);
  const namespaces: string[] = [];
  let clients: Clients | undefined;
  const close = async (): Promise<void> => {
    for (const name of namespaces) await clients?.core.deleteNamespace({ name }).catch(() => undefined);
    await provider.close();
  };
  try {
    const [cluster] = await provider.clusters(1, options.cluster);
    if (!cluster) throw new Error('no cluster');
    const c = clientsFor(cluster);
    clients = c;
    const createNamespace = async (prefix?: string): Promise<string> => {
      const name = await createTestNamespace(c, prefix);
      namespaces.push(name);
      return name;
    };
    const ns = options.namespace === undefined ? undefined : await createNamespace(options.namespace === true ? undefined : options.namespace);
    return { provider, cluster, c, createNamespace, close, ...(ns === undefined ? {} : { ns }) };
  } catch (err) {
    await close();
    throw err;
  }
}
