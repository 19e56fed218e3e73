/**
 * Test support for libs/kube: emulated clusters whose tokens name their users (so the request log
 * shows whose credentials reached which cluster), object builders, a polling helper and `rejection`.
 */
import { kubeconfigYaml, startEmulatedCluster, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { type KubeObject } from '@amko-fed/domain';
import { eventuallyPasses as eventually } from '@amko-fed/testing';

export interface EmulatedClusters {
  readonly clusters: readonly EmulatedCluster[];
  /** One kubeconfig holding every cluster (context = cluster name). */
  readonly kubeconfig: string;
  /** Cluster `i` (0-based) of those started. */
  cluster(i: number): EmulatedCluster;
  close(): Promise<void>;
}

/**
 * Starts clusters `names`; cluster i accepts its own token (user `<name>-admin`) and also every
 * other cluster's token, under the user `<other>-token` — so a misdirected credential would be
 * accepted and show up in the request log instead of failing silently.
 */
export async function startClusters(names: readonly string[]): Promise<EmulatedClusters> {
  const token = (name: string) => `token-of-${name}`;
  const clusters: EmulatedCluster[] = [];
  for (const name of names) {
    const others = names.filter((n) => n !== name).map((n) => ({ token: token(n), user: `${n}-token` }));
    clusters.push(await startEmulatedCluster({ name, tokens: [{ token: token(name), user: `${name}-admin` }, ...others] }));
  }
  return {
    clusters,
    kubeconfig: kubeconfigYaml(clusters),
    cluster: (i) => clusters[i] as EmulatedCluster,
    close: async () => {
      await Promise.all(clusters.map((c) => c.close()));
    },
  };
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export function gslbConfig(name: string, refreshInterval = 60): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBConfig',
    metadata: { name },
    spec: {
      gslbLeader: { credentials: 'gslb-avi-secret', controllerVersion: '22.1.3', controllerIP: '10.10.10.10' },
      memberClusters: [{ clusterContext: 'cluster1' }],
      refreshInterval,
      logLevel: 'INFO',
    },
  } as KubeObject;
}

export function amkoCluster(name: string, isLeader: boolean): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'AMKOCluster',
    metadata: { name },
    spec: { isLeader, clusterContext: 'cluster1', version: '1.12.1', clusters: ['cluster1', 'cluster2'] },
  } as KubeObject;
}

/** Polls `check` until it stops throwing (waiting for asynchronous effects, not asserting timing). */
export { eventually };

/** Awaits a call that must fail and returns what it rejected with. */
export async function rejection(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}
