/**
 * The Redis side of the watcher integration tests: adapters on a watcher's key prefix to read what
 * it wrote, and BullMQ workers standing in for the replicators.
 */
import type { ReplicationJob } from '@amko-fed/domain';
import {
  createFederationLog,
  createFollowerQueues,
  createMemberRegistry,
  createRedisConnection,
  createResultsStore,
  followerQueueName,
  type BullFollowerQueues,
  type FederationLog,
  type MemberRegistry,
  type RedisConnection,
  type ResultsStore,
} from '@amko-fed/queue';
import { Worker, type Job } from 'bullmq';

/** Adapters on the same Redis prefix as a watcher, to read what it wrote. */
export interface RedisView {
  readonly redis: RedisConnection;
  readonly queues: BullFollowerQueues;
  readonly log: FederationLog;
  readonly registry: MemberRegistry;
  readonly results: ResultsStore;
  close(): Promise<void>;
}

export function redisView(redisUrl: string, prefix: string): RedisView {
  const redis = createRedisConnection(redisUrl, { role: 'client' });
  const queues = createFollowerQueues({ connection: redis, prefix });
  return {
    redis,
    queues,
    log: createFederationLog({ redis, prefix }),
    registry: createMemberRegistry({ redis, prefix }),
    results: createResultsStore({ redis, prefix }),
    async close() {
      await queues.close();
      await redis.quit();
    },
  };
}

/** Jobs not yet processed in a follower's queue (paused queues keep theirs in `wait` in BullMQ 6). */
export async function pendingJobs(view: RedisView, cluster: string): Promise<{ cluster: string; objectKey: string; seq: number; reason?: string | undefined }[]> {
  const jobs = await view.queues.queue(cluster).getJobs(['waiting', 'delayed', 'prioritized']);
  return jobs.map((j) => j.data);
}

export type RecordedJob = ReplicationJob;

/**
 * Stands in for the replicators: BullMQ workers on the followers' queues that complete every job at
 * once, record it, and answer it with a result as a replicator does (a `noop` at the projection's
 * current seq; the followers themselves are not touched), so each job the watcher enqueues is seen
 * exactly once and the watcher's status sees every reconcile reported.
 */
export function recordJobs(redisUrl: string, prefix: string, clusters: readonly string[]): { jobs: RecordedJob[]; of(cluster: string, objectKey?: string): RecordedJob[]; close(): Promise<void> } {
  const connection = createRedisConnection(redisUrl, { role: 'worker' });
  const client = createRedisConnection(redisUrl, { role: 'client' });
  const log = createFederationLog({ redis: client, prefix });
  const results = createResultsStore({ redis: client, prefix });
  const jobs: RecordedJob[] = [];
  let closed = false;
  const workers = clusters.map(
    (cluster) =>
      new Worker(followerQueueName(cluster), async (job: Job<RecordedJob>) => {
        jobs.push(job.data);
        const entry = await log.readProjection(job.data.objectKey as Parameters<FederationLog['readProjection']>[0]);
        if (entry === undefined) return;
        await results.recordResultIfProjected({ cluster, objectKey: job.data.objectKey, outcome: 'noop', seq: entry.seq, attempts: 1, at: new Date().toISOString() });
      }, { connection, prefix, concurrency: 1 }),
  );
  return {
    jobs,
    of: (cluster, objectKey) => jobs.filter((j) => j.cluster === cluster && (objectKey === undefined || j.objectKey === objectKey)),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(workers.map((w) => w.close()));
      await connection.quit();
      await client.quit();
    },
  };
}
