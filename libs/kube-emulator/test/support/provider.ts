/**
 * Where the conformance suites get their clusters: the emulator (default) or a real API server
 * from `E2E_KUBECONFIG` (contexts from `E2E_CONTEXTS`, comma separated, else all of them). The
 * suites only talk to clusters through kubeconfig text; emulator-only hooks (faults, request log,
 * history compaction) are reachable through `emulator` and are undefined for real clusters.
 */
import { readFile } from 'node:fs/promises';
import { ApiextensionsV1Api, KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { defaultCrdsDir, loadCrdManifests, startEmulatedCluster, type EmulatedCluster, type EmulatedClusterOptions } from '../../src/index.ts';

export interface ProvidedCluster {
  readonly name: string;
  readonly contextName: string;
  /** kubeconfig text whose context `contextName` reaches this cluster. */
  kubeconfig(): string;
  /** Emulator hooks; undefined for a real API server. */
  readonly emulator: EmulatedCluster | undefined;
}

export interface ClusterProvider {
  readonly kind: 'emulator' | 'real';
  /** Why emulator-only tests do not run here (undefined for the emulator). */
  readonly emulatorOnlySkipReason: string | undefined;
  /** `count` clusters with the AMKO CRDs established. */
  clusters(count: number, options?: Omit<EmulatedClusterOptions, 'name'>): Promise<ProvidedCluster[]>;
  close(): Promise<void>;
}

function emulatorProvider(): ClusterProvider {
  const started: EmulatedCluster[] = [];
  return {
    kind: 'emulator',
    emulatorOnlySkipReason: undefined,
    async clusters(count, options = {}) {
      const out: ProvidedCluster[] = [];
      for (let i = 0; i < count; i++) {
        const name = `cluster${started.length + 1}`;
        const cluster = await startEmulatedCluster({ bookmarkIntervalMs: 200, ...options, name });
        started.push(cluster);
        out.push({ name, contextName: name, kubeconfig: () => cluster.kubeconfig(), emulator: cluster });
      }
      return out;
    },
    async close() {
      await Promise.all(started.map((c) => c.close()));
    },
  };
}

async function ensureCrds(kubeconfig: string, context: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  kc.setCurrentContext(context);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  for (const { crd } of await loadCrdManifests(defaultCrdsDir)) {
    const name = String((crd['metadata'] as { name?: unknown }).name);
    try {
      await ext.readCustomResourceDefinition({ name });
    } catch {
      await ext.createCustomResourceDefinition({ body: crd as unknown as V1CustomResourceDefinition });
    }
  }
}

function realProvider(kubeconfigFile: string, contexts: readonly string[] | undefined): ClusterProvider {
  let handed = 0;
  return {
    kind: 'real',
    emulatorOnlySkipReason: `E2E_KUBECONFIG=${kubeconfigFile} points at a real API server: fault injection, the request log and history compaction exist only in the emulator`,
    async clusters(count) {
      const text = await readFile(kubeconfigFile, 'utf8');
      const doc = parse(text) as { contexts?: { name: string }[] };
      const available = contexts ?? (doc.contexts ?? []).map((c) => c.name);
      const chosen = available.slice(handed, handed + count);
      if (chosen.length < count) throw new Error(`E2E_KUBECONFIG has ${available.length} contexts; the suite needs ${handed + count}`);
      handed += count;
      for (const context of chosen) await ensureCrds(text, context);
      return chosen.map((context) => ({ name: context, contextName: context, kubeconfig: () => text, emulator: undefined }));
    },
    async close() {},
  };
}

/** The environment variables the suites read (spec files pass `process.env`). */
export type SuiteEnv = Readonly<Record<string, string | undefined>>;

/** The provider selected by the environment: `E2E_KUBECONFIG` (and `E2E_CONTEXTS`) or the emulator. */
export function clusterProvider(env: SuiteEnv): ClusterProvider {
  const file = env['E2E_KUBECONFIG'];
  if (file) return realProvider(file, env['E2E_CONTEXTS']?.split(',').map((c) => c.trim()).filter(Boolean));
  return emulatorProvider();
}

const announced = new Set<string>();

/**
 * True when the suite runs against a real API server, for `describe.skipIf(...)` around tests
 * that need emulator hooks; prints why they are skipped (once per `what`).
 */
export function realServerSkips(env: SuiteEnv, what: string, needs: string): boolean {
  const file = env['E2E_KUBECONFIG'];
  if (!file) return false;
  if (!announced.has(what)) {
    announced.add(what);
    console.info(`[kube-emulator suite] skipping "${what}" against E2E_KUBECONFIG=${file}: it needs ${needs}, which only the emulator offers`);
  }
  return true;
}
