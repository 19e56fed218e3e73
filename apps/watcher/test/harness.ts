/**
 * Integration-test harness: three emulated clusters (cluster1 the leader, cluster2 and cluster3
 * followers) with AMKO's CRDs and avi-system, started once per test file; the run's Redis under a
 * fresh prefix per watcher; watchers run in-process with `createWatcher` over the adapters main.ts
 * builds. The objects (objects.ts) and the Redis-side helpers (redis-view.ts) are re-exported.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { AMKO_CLUSTER_KIND, FEDERATED_KINDS } from '@amko-fed/domain';
import { createClusterClient, kubeConfigForContext, type ClusterClient } from '@amko-fed/kube';
import { kubeconfigYaml, startEmulatedCluster, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { CoreV1Api } from '@kubernetes/client-node';
import { createLogger } from '@amko-fed/service';
import { eventuallyPasses as eventually, isolatedPrefix } from '@amko-fed/testing';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { createWatcherAdapters } from '../src/adapters.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig, type WatcherConfig } from '../src/config.ts';
import type { WatcherAdapters } from '../src/ports.ts';
import { createWatcher, type Watcher } from '../src/watcher.ts';
import { amkoCluster, CLUSTERS, NS, type ClusterName } from './objects.ts';

// Provided by libs/testing/src/global-setup.ts (the integration project's globalSetup).
declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export * from './objects.ts';
export * from './redis-view.ts';

export interface Fixture {
  readonly clusters: Readonly<Record<ClusterName, EmulatedCluster>>;
  /** Admin clients (not the watcher's credentials). */
  readonly client: Readonly<Record<ClusterName, ClusterClient>>;
  /** Kubeconfig of all three clusters: the members kubeconfig (gslb-config-secret). */
  readonly membersKubeconfig: string;
  /** A kubeconfig file for cluster1 only, as the watcher's LOCAL_KUBECONFIG. */
  readonly localKubeconfigFile: string;
  /** A second identity for cluster1 (user `second-watcher`), for a standby replica. */
  readonly secondKubeconfigFile: string;
  readonly redisUrl: string;
  /** Brings every cluster back to the standard federation: one AMKOCluster each, no GC/GDP/GHR, no secret. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'amko-fed-watcher-'));
  const started: EmulatedCluster[] = [];
  for (const name of CLUSTERS) {
    const tokens: (string | { token: string; user: string })[] = [{ token: `admin-${name}`, user: 'admin' }];
    if (name === 'cluster1') tokens.push({ token: 'watcher-1', user: 'watcher' }, { token: 'watcher-2', user: 'second-watcher' });
    started.push(await startEmulatedCluster({ name, tokens }));
  }
  const clusters = Object.fromEntries(started.map((c) => [c.name, c])) as Record<ClusterName, EmulatedCluster>;
  const adminKubeconfig = kubeconfigYaml(started);
  const client = Object.fromEntries(
    CLUSTERS.map((name) => [name, createClusterClient({ context: name, kubeConfig: kubeConfigForContext(adminKubeconfig, name), timeoutMs: 5_000 })]),
  ) as Record<ClusterName, ClusterClient>;
  const withToken = (token: string) => clusters.cluster1.kubeconfig().replace(/token: .*/, `token: ${token}`);
  const localKubeconfigFile = join(dir, 'cluster1-watcher');
  const secondKubeconfigFile = join(dir, 'cluster1-second-watcher');
  await writeFile(localKubeconfigFile, withToken('watcher-1'));
  await writeFile(secondKubeconfigFile, withToken('watcher-2'));

  async function reset(): Promise<void> {
    await Promise.all(
      CLUSTERS.map(async (name) => {
        const c = client[name];
        for (const info of [AMKO_CLUSTER_KIND, ...Object.values(FEDERATED_KINDS)]) {
          const all = await c.list(info, undefined);
          await Promise.all(all.items.map((o) => c.delete(info, o.metadata.namespace ?? NS, o.metadata.name)));
        }
        await c.create(AMKO_CLUSTER_KIND, NS, amkoCluster({ isLeader: name === 'cluster1', clusterContext: name }));
      }),
    );
    await deleteSecret(clusters.cluster1, 'gslb-config-secret');
  }

  return {
    clusters,
    client,
    membersKubeconfig: kubeconfigYaml(started),
    localKubeconfigFile,
    secondKubeconfigFile,
    redisUrl: inject('redisUrl'),
    reset,
    async close() {
      await Promise.all(started.map((c) => c.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes a Secret through the API (no-op when absent). */
async function deleteSecret(cluster: EmulatedCluster, name: string): Promise<void> {
  const kc = kubeConfigForContext(kubeconfigYaml([cluster]), cluster.name);
  await kc.makeApiClient(CoreV1Api).deleteNamespacedSecret({ namespace: NS, name }).catch(() => undefined);
}

export async function createSecret(cluster: EmulatedCluster, name: string, data: Record<string, string>): Promise<void> {
  const kc = kubeConfigForContext(kubeconfigYaml([cluster]), cluster.name);
  const core = kc.makeApiClient(CoreV1Api);
  await core.deleteNamespacedSecret({ namespace: NS, name }).catch(() => undefined);
  await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name }, stringData: data } });
}

/** Log lines a watcher wrote (JSON objects). */
export interface LogSink {
  readonly lines: Record<string, unknown>[];
  messages(): string[];
}

export interface RunningWatcher {
  readonly watcher: Watcher;
  /** Its adapters (real Redis and client-node), closed by the suite after the watcher stopped. */
  readonly adapters: WatcherAdapters;
  readonly config: WatcherConfig;
  readonly logs: LogSink;
}

/** Environment for a test watcher: fast intervals, cluster1's kubeconfig, the members kubeconfig inline. */
export function watcherEnv(fixture: Fixture, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    REDIS_URL: fixture.redisUrl,
    KEY_PREFIX: isolatedPrefix('watcher'),
    POD_NAME: `watcher-${Math.random().toString(36).slice(2, 8)}`,
    LOCAL_KUBECONFIG: fixture.localKubeconfigFile,
    LOCAL_CONTEXT: 'cluster1',
    GSLB_CONFIG: fixture.membersKubeconfig,
    MEMBER_CHECK_INTERVAL: '300ms',
    STATUS_DEBOUNCE: '20ms',
    LEASE_DURATION: '3s',
    KUBE_REQUEST_TIMEOUT: '2s',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ...overrides,
  };
}

/** Builds the adapters as main.ts does and starts a watcher on them; `running` gets it before it starts (so a failed start is still cleaned up). */
export async function startWatcher(fixture: Fixture, overrides: Record<string, string | undefined> = {}, running: RunningWatcher[] = []): Promise<RunningWatcher> {
  const config = loadConfig(watcherEnv(fixture, overrides), { hostname: 'test', pid: process.pid, stdoutIsTTY: false });
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const logger = createLogger({ name: 'watcher-test', level: config.logLevel, destination });
  const adapters = await createWatcherAdapters(config, logger, systemClock);
  const watcher = createWatcher({ config, logger, clock: systemClock, adapters });
  const entry: RunningWatcher = { watcher, adapters, config, logs: { lines, messages: () => lines.map((l) => String(l['msg'])) } };
  running.push(entry);
  await watcher.start();
  return entry;
}

/** Polls `check` until it stops throwing: waits for asynchronous effects (a functional deadline, not a timing assertion). */
export { eventually };

/** Waits until a leader watcher has federation running and its first resync done. */
export async function settled(running: RunningWatcher): Promise<void> {
  await eventually(async () => {
    const health = await running.watcher.health();
    if (health.role !== 'leader' || (health.resyncs ?? 0) < 1) throw new Error(`not settled: ${JSON.stringify(health)}`);
  });
}

export interface WatcherSuite {
  /** The file's fixture (started before the first test, reset before each). */
  readonly fixture: Fixture;
  /** Watchers a test started (pass to `startWatcher`); stopped after each test. */
  readonly running: RunningWatcher[];
  /** What a test opened besides watchers; closed after each test, once the watchers have stopped. */
  readonly cleanups: (() => Promise<void>)[];
}

/**
 * Registers the hooks every watcher integration file shares: the fixture started once and reset
 * before each test; after each test the watchers stopped, then the cleanups run; the fixture closed
 * at the end. A file's own `beforeEach` registered after this call runs after the reset.
 */
export function useWatcherSuite(): WatcherSuite {
  let fixture: Fixture | undefined;
  const running: RunningWatcher[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    fixture = await startFixture();
  });

  beforeEach(async () => {
    await suite.fixture.reset();
  });

  afterEach(async () => {
    await Promise.all(
      running.splice(0).map(async (r) => {
        await r.watcher.stop();
        await r.adapters.close();
      }),
    );
    await Promise.all(cleanups.splice(0).map((c) => c()));
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const suite: WatcherSuite = {
    get fixture(): Fixture {
      if (fixture === undefined) throw new Error('the watcher fixture is not started (use it inside a test or hook)');
      return fixture;
    },
    running,
    cleanups,
  };
  return suite;
}
