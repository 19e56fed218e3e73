/**
 * The bench's own view of a federation's Redis (projection, queues, registry, results) and the
 * objects it writes. Moved here from apps/replicator/bench so that every scenario shares them.
 */
import { FEDERATED_KINDS, hashFederatedContent, type ObjectKey, type ReplicationJob, type ResultStreamEntry } from '@amko-fed/domain';
import {
  createFederationLog,
  createFollowerQueues,
  createMemberRegistry,
  createRedisConnection,
  createResultsStore,
} from '@amko-fed/queue';
import { amkoPath, type Federation } from '@amko-fed/testing';
import { cpuMs, sleep } from './stats.ts';

export const AVI_SYSTEM = 'avi-system';
export const GSLB_CONFIGS = amkoPath('v1alpha1', 'gslbconfigs', AVI_SYSTEM);
export const GSLB_HOST_RULES = amkoPath('v1alpha1', 'gslbhostrules', AVI_SYSTEM);

export function gslbConfig(name: string, refreshInterval: number): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBConfig',
    metadata: { name, namespace: AVI_SYSTEM },
    spec: { gslbLeader: { credentials: 'c', controllerVersion: '22.1.3', controllerIP: '10.0.0.1' }, memberClusters: [{ clusterContext: 'leader' }], refreshInterval },
  };
}

export function gslbHostRule(index: number): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBHostRule',
    metadata: { name: `ghr-${index}`, namespace: AVI_SYSTEM },
    spec: { fqdn: `app-${index}.example.com`, ttl: 30 },
  };
}

export type FederationClients = ReturnType<typeof federationClients>;

/** Redis clients on the federation's prefix; `close()` when done. */
export function federationClients(federation: Federation) {
  const redis = createRedisConnection(federation.redisUrl, { role: 'client' });
  const prefix = federation.prefix;
  const queues = createFollowerQueues({ connection: redis, prefix });
  return {
    redis,
    log: createFederationLog({ redis, prefix }),
    registry: createMemberRegistry({ redis, prefix }),
    queues,
    results: createResultsStore({ redis, prefix }),
    async close(): Promise<void> {
      await queues.close();
      await redis.quit();
    },
  };
}

/** Jobs of every follower not yet done (waiting, active, delayed, prioritized). */
export async function pendingJobs(clients: FederationClients, followers: readonly string[]): Promise<number> {
  const counts = await Promise.all(followers.map((f) => clients.queues.counts(f)));
  return counts.reduce((n, c) => n + c.waiting + c.active + c.delayed + c.prioritized, 0);
}

export interface WorkOff {
  readonly seconds: number;
  readonly applies: number;
  /** CPU of the replicator per apply (ms) and in % of one core over the run. */
  readonly replicatorCpuMsPerApply: number;
  readonly replicatorCpuPercent: number;
  readonly failed: number;
}

/**
 * The replicator alone: `objects` GSLBConfigs written to the projection (round `round` gives them
 * new content), then one job per (follower, object) enqueued at once; returns when every job is
 * done.
 */
export async function workOff(federation: Federation, objects: number, round: number): Promise<WorkOff> {
  const clients = federationClients(federation);
  try {
    const followers = federation.followers.map((f) => f.name);
    // With an epoch, as a watcher publishes it (ADR 0017): every apply also reads the follower's fencing token.
    await clients.registry.publishMembers({ leader: federation.leader.name, epoch: 1, members: followers.map((cluster) => ({ cluster, state: 'valid' as const })) });
    const keys: [ObjectKey, number][] = [];
    for (let i = 0; i < objects; i += 1) {
      const object = gslbConfig(`gc-${i}`, round * 100_000 + i + 1);
      const objectKey = `GSLBConfig/${AVI_SYSTEM}/gc-${i}` as ObjectKey;
      const seq = await clients.log.appendEvent({
        op: 'upsert', objectKey, kind: 'GSLBConfig', resourceVersion: `${round}-${i + 1}`,
        contentHash: hashFederatedContent(object, FEDERATED_KINDS.GSLBConfig), object, source: 'watch',
      });
      keys.push([objectKey, seq]);
    }
    await sleep(1_000); // the workers follow the registry
    const jobs: ReplicationJob[] = followers.flatMap((cluster) => keys.map(([objectKey, seq]) => ({ cluster, objectKey, seq })));
    const pid = federation.app('replicator').pid;
    const cpuBefore = await cpuMs(pid);
    const started = performance.now();
    for (let i = 0; i < jobs.length; i += 2_000) await clients.queues.enqueueMany(jobs.slice(i, i + 2_000));
    while ((await pendingJobs(clients, followers)) > 0) await sleep(100);
    const elapsedMs = performance.now() - started;
    const cpu = (await cpuMs(pid)) - cpuBefore;
    const failed = (await Promise.all(followers.map((f) => clients.queues.counts(f)))).reduce((n, c) => n + c.failed, 0);
    return { seconds: elapsedMs / 1000, applies: jobs.length, replicatorCpuMsPerApply: cpu / jobs.length, replicatorCpuPercent: (cpu / elapsedMs) * 100, failed };
  } finally {
    await clients.close();
  }
}

/** Waits on a federation's results stream: see `watchResults`. */
export interface ResultsWatch {
  /**
   * Resolves once `done()` holds, checked after every batch of results; throws after `withinMs`
   * with `describe()` (what is missing) and the last read error.
   */
  until(done: () => boolean, withinMs: number, describe: () => string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Follows the results stream from its start, not `$`: `$` is pinned by the follower's first read,
 * and results recorded before it would be missed (a wait for them then never ended). The
 * scenarios start a new federation, so the stream holds only their run's results. `onEntry` sees
 * every entry in order; waiters are woken after each batch (no polling).
 */
export function watchResults(clients: FederationClients, onEntry: (entry: ResultStreamEntry) => void): ResultsWatch {
  let wake: (() => void) | undefined;
  let lastReadError: unknown;
  const follow = clients.results.followResults('0', (entries) => {
    for (const entry of entries) onEntry(entry);
    wake?.();
  }, { onError: (error) => (lastReadError = error), blockMs: 1_000 });
  return {
    async until(done, withinMs, describe) {
      const deadline = performance.now() + withinMs;
      while (!done()) {
        const left = deadline - performance.now();
        if (left <= 0) {
          const readError = lastReadError === undefined ? '' : `; last results read error: ${String(lastReadError)}`;
          throw new Error(`${describe()} within ${withinMs / 1_000} s${readError}`);
        }
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, left);
        });
        clearTimeout(timer);
      }
    },
    stop: () => follow.stop(),
  };
}
