/**
 * A follower worker without Redis or HTTP, for the unit specs of the job processor and the job
 * outcomes: the in-memory stores of `@amko-fed/queue/testing` (log, results, queues), the in-memory
 * follower of `@amko-fed/kube/testing` (with its AMKOCluster, so the real leader fence reads it),
 * the real prom-client metrics, a line-recording pino logger and a clock the test moves. The test
 * plays BullMQ: `run()` takes the next waiting job, calls the processor, then completes it or
 * fails it (for good on UnrecoverableError), as the Worker would.
 */
import {
  AMKO_CLUSTER_KIND,
  AVI_SYSTEM_NAMESPACE,
  FEDERATED_KINDS,
  hashFederatedContent,
  UnknownClusterError,
  type KubeObject,
  type ObjectKey,
} from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import { createInMemoryCluster, type InMemoryCluster } from '@amko-fed/kube/testing';
import type { LockedProjectionReader } from '@amko-fed/queue';
import { createInMemoryStores, type InMemoryStores, type QueuedJob } from '@amko-fed/queue/testing';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { pino } from 'pino';
import { createSecretRedactor } from '../src/clusters/secret-redactor.ts';
import { createLeaderFence } from '../src/fencing/leader-fence.ts';
import { createReplicatorMetrics, type ReplicatorMetrics } from '../src/metrics/metrics.ts';
import type { BurstCoalescerOptions } from '../src/worker/burst-coalescer.ts';
import { createJobProcessor, type JobProcessor, type JobReturn } from '../src/worker/replicate-job.ts';
import { createWrittenCopies, DEFAULT_WRITTEN_COPIES } from '../src/worker/written-copies.ts';

export const FOLLOWER = 'follower1';
export const LEADER = 'leader';
export const GDP_KEY = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
export const GDP = FEDERATED_KINDS.GlobalDeploymentPolicy;
/** A credential of the members kubeconfig: it must never reach a result, a log line or BullMQ. */
export const SECRET = 'kubeconfig-token-5f0c9d';
const START_MS = Date.parse('2026-12-05T16:00:00.000Z');

/** The leader's GlobalDeploymentPolicy with `ttl`. */
export function leaderGdp(ttl: number): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha2',
    kind: 'GlobalDeploymentPolicy',
    metadata: { name: 'global-gdp', namespace: AVI_SYSTEM_NAMESPACE },
    spec: { matchRules: { appSelector: { label: { app: 'gslb' } } }, matchClusters: [{ cluster: LEADER }], ttl },
  } as KubeObject;
}

/** A sample of the replicator's metrics (0 when none); histograms by `<name>_count` / `<name>_sum`. */
export async function metricValue(metrics: ReplicatorMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name) ?? metrics.registry.getSingleMetric(name.replace(/_(count|sum)$/, ''));
  const found = await metric?.get();
  const sample = found?.values.find(
    (value) => ((value as { metricName?: string }).metricName ?? name) === name && Object.entries(labels).every(([key, expected]) => value.labels[key] === expected),
  );
  return sample?.value ?? 0;
}

/** How one attempt ended, as BullMQ would see it. */
export interface Ran {
  readonly job: QueuedJob;
  readonly returned?: JobReturn;
  readonly error?: Error;
  /** Where the job went afterwards (undefined: it was deferred, or lost with the data set). */
  readonly state: string | undefined;
  /** moveToDelayed's target time, when the attempt deferred the job (a burst). */
  readonly delayedUntilMs?: number;
}

export interface WorkerWorld {
  readonly stores: InMemoryStores;
  readonly follower: InMemoryCluster;
  readonly metrics: ReplicatorMetrics;
  readonly processor: JobProcessor;
  /** Every log line (JSON). */
  readonly lines: string[];
  /** onReachability calls, in order. */
  readonly reachability: [string, boolean][];
  /**
   * What the attempts did, in order: the job lock checks (`lockedRead`: with the projection read;
   * `extendLock`) and the follower requests (`get Lease`, `get GlobalDeploymentPolicy`, `replace …`).
   */
  readonly steps: string[];
  nowMs(): number;
  advance(ms: number): void;
  /** Leader side: captures an upsert of the GDP into the projection, enqueues it; returns its seq. */
  upsert(ttl: number): Promise<number>;
  /** Leader side: captures the GDP's deletion (tombstone), enqueues it; returns its seq. */
  remove(): Promise<number>;
  /**
   * Leader side: two upserts while no job of the GDP runs, so deduplication keeps the first one's
   * job waiting: a job older than the projection. Returns both seqs and the waiting job's.
   */
  upsertTwiceWhileWaiting(firstTtl: number, latestTtl: number): Promise<{ readonly first: number; readonly latest: number; readonly waitingSeq: unknown }>;
  /**
   * Runs the next waiting job of the follower (retries waiting in backoff are promoted first).
   * `lockLost`: the job's lock expired and another replicator took it (extendLock answers 0).
   */
  run(options?: { readonly job?: QueuedJob; readonly token?: string | undefined; readonly lockLost?: boolean }): Promise<Ran>;
  /** The follower's GDP ttl (undefined when it has no copy). */
  ttlOnFollower(): Promise<unknown>;
  /** Writes the follower received for the GDP. */
  gdpWrites(): readonly string[];
  /** Value of a metric sample (0 when none), e.g. metric('amko_fed_replicator_applies_total', { outcome: 'created' }); histograms by `<name>_count`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
}

export interface WorkerWorldOptions {
  /** RETRY_ATTEMPTS. @defaultValue 3 */
  readonly maxAttempts?: number;
  /** Attempts the queue gives each job (followerJobOptions). @defaultValue 3 */
  readonly jobAttempts?: number;
  /** The follower's AMKOCluster says isLeader: true (a dual leader). @defaultValue false */
  readonly followerIsLeader?: boolean;
  /** The member registry's leader. @defaultValue 'leader' */
  readonly leader?: string | undefined;
  /** The member registry's epoch (leadership epochs). @defaultValue undefined (a watcher without epochs) */
  readonly epoch?: number | undefined;
  readonly bursts?: BurstCoalescerOptions;
  /** WRITTEN_COPIES: copies remembered (0: every apply reads the follower's copy first). @defaultValue 2000, as deployed */
  readonly writtenCopies?: number;
  /** The lock check with the projection read in one round trip (lockedRead). @defaultValue true, as deployed */
  readonly lockedRead?: boolean;
}

export async function workerWorld(options: WorkerWorldOptions = {}): Promise<WorkerWorld> {
  let now = START_MS;
  const clock = (): Date => new Date(now);
  const stores = createInMemoryStores({ clock, attempts: options.jobAttempts ?? 3 });
  const follower = createInMemoryCluster({ context: FOLLOWER });
  await follower.client.create(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'AMKOCluster',
    metadata: { name: 'amkocluster-federation', namespace: AVI_SYSTEM_NAMESPACE },
    spec: { isLeader: options.followerIsLeader ?? false, clusterContext: FOLLOWER, version: '1.13.1', clusters: [LEADER, FOLLOWER] },
  } as KubeObject);
  const metrics = createReplicatorMetrics({ queueDepth: { clusters: () => [FOLLOWER], counts: (cluster) => stores.queues.counts(cluster) }, processMetrics: false });
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const reachability: [string, boolean][] = [];
  const leader = 'leader' in options ? options.leader : LEADER;
  let rv = 100;
  const steps: string[] = [];
  /** Whether the job being run still holds its lock (run's `lockLost`). */
  let lockHeld = true;
  const recorded: ClusterClient = {
    ...follower.client,
    get: (kind, namespace, name) => {
      steps.push(`get ${kind.kind}`);
      return follower.client.get(kind, namespace, name);
    },
    create: (kind, namespace, body) => {
      steps.push(`create ${kind.kind}`);
      return follower.client.create(kind, namespace, body);
    },
    replace: (kind, namespace, name, body) => {
      steps.push(`replace ${kind.kind}`);
      return follower.client.replace(kind, namespace, name, body);
    },
  };
  const lockedRead: LockedProjectionReader = async (objectKey) => {
    steps.push('lockedRead');
    return lockHeld ? { held: true, entry: await stores.log.readProjection(objectKey) } : { held: false };
  };

  const processor = createJobProcessor(FOLLOWER, {
    log: stores.log,
    results: stores.results,
    clientFor: (cluster) => {
      if (cluster !== FOLLOWER) throw new UnknownClusterError(cluster);
      return recorded;
    },
    redact: createSecretRedactor([SECRET]),
    fence: createLeaderFence({ ttlMs: 10_000, now: () => now }),
    leaderContext: () => leader,
    leaderEpoch: () => options.epoch,
    metrics,
    clock,
    maxAttempts: options.maxAttempts ?? 3,
    logger,
    onReachability: (cluster, reachable) => void reachability.push([cluster, reachable]),
    ...(options.bursts === undefined ? {} : { bursts: options.bursts }),
    writtenCopies: createWrittenCopies({ maxEntries: options.writtenCopies ?? DEFAULT_WRITTEN_COPIES }),
    ...(options.lockedRead === false ? {} : { lockedRead }),
  });

  async function upsert(ttl: number): Promise<number> {
    const object = leaderGdp(ttl);
    rv += 1;
    const seq = await stores.log.appendEvent({
      op: 'upsert', objectKey: GDP_KEY, kind: 'GlobalDeploymentPolicy', resourceVersion: String(rv), contentHash: hashFederatedContent(object, GDP), object: object as Record<string, unknown>, source: 'watch',
    });
    return enqueue(seq);
  }

  async function enqueue(seq: number): Promise<number> {
    await stores.queues.enqueue({ cluster: FOLLOWER, objectKey: GDP_KEY, seq, reason: 'event' });
    return seq;
  }

  return {
    stores,
    follower,
    metrics,
    processor,
    lines,
    reachability,
    steps,
    nowMs: () => now,
    advance(ms) {
      now += ms;
    },
    upsert,
    async upsertTwiceWhileWaiting(firstTtl, latestTtl) {
      const first = await upsert(firstTtl);
      const latest = await upsert(latestTtl);
      const [job] = stores.queues.jobs(FOLLOWER, 'waiting');
      return { first, latest, waitingSeq: (job?.data as { seq?: unknown } | undefined)?.seq };
    },
    async remove() {
      rv += 1;
      const seq = await stores.log.appendEvent({ op: 'delete', objectKey: GDP_KEY, kind: 'GlobalDeploymentPolicy', resourceVersion: String(rv), source: 'watch' });
      return enqueue(seq);
    },
    async run(runOptions = {}) {
      let job = runOptions.job;
      if (job === undefined) {
        await stores.queues.promoteDelayed(FOLLOWER);
        job = stores.queues.take(FOLLOWER);
      }
      if (job === undefined) throw new Error('no job waits on the follower queue');
      let delayedUntilMs: number | undefined;
      lockHeld = runOptions.lockLost !== true;
      const extendLock = async (): Promise<number> => {
        steps.push('extendLock');
        return lockHeld ? 1 : 0;
      };
      const taken = { ...job, queueQualifiedName: `unit:${FOLLOWER}`, moveToDelayed: async (timestamp: number) => void (delayedUntilMs = timestamp), extendLock };
      const token = 'token' in runOptions ? runOptions.token : 'lock-token';
      try {
        const returned = await processor(taken, token);
        return { job, returned, state: stores.queues.complete(FOLLOWER, job.id) ? 'completed' : undefined };
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        if (error instanceof DelayedError) return { job, error, state: undefined, ...(delayedUntilMs === undefined ? {} : { delayedUntilMs }) };
        const state = stores.queues.fail(FOLLOWER, job.id, error.message, { terminal: error instanceof UnrecoverableError });
        return { job, error, state };
      }
    },
    async ttlOnFollower() {
      return ((await follower.client.get(GDP, AVI_SYSTEM_NAMESPACE, 'global-gdp')) as { spec?: { ttl?: unknown } } | undefined)?.spec?.ttl;
    },
    gdpWrites: () => follower.writes.filter((write) => write.includes('GlobalDeploymentPolicy')),
    metric: (name, labels) => metricValue(metrics, name, labels),
  };
}
