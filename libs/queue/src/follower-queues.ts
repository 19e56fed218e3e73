/**
 * One BullMQ queue per follower (`follower.<context>`), opened lazily. Enqueues are deduplicated
 * per (follower, object) with `keepLastIfActive`: at most one active and one waiting job.
 *
 * How BullMQ 6 deduplicates (commands/includes/deduplicateJob*.lua, storeDeduplicatedNextJob.lua,
 * requeueDeduplicatedJob.lua): the dedup key `<prefix>:<queue>:de:<id>` names the current job.
 * - no current job: the new job is added and becomes current;
 * - current job active: the new job's data is stored in `…:dn:<id>` (overwriting any earlier
 *   stored data, so the latest seq wins) and becomes a real waiting job when the active one
 *   finishes (completed, or failed for good);
 * - current job waiting/delayed (incl. waiting for a retry): the new job is dropped; the waiting
 *   job keeps its (older) seq. Harmless: workers read the projection's latest state at run time,
 *   so `seq` in a job is a lower bound, never the state that gets applied.
 */
import {
  decodeJob,
  deduplicationIdOf,
  encodeJob,
  type FederatedKind,
  type ObjectKey,
  type ReplicationJob,
} from '@amko-fed/domain';
import { Queue, type DefaultJobOptions, type Job } from 'bullmq';
import type { RedisConnection } from './connection.ts';
import { ClosedError } from './errors/closed-error.ts';
import { matchesFailedFilter } from './failed-job-filter.ts';
import { followerJobOptions, REPLICATE_JOB_NAME } from './follower-job-options.ts';
import { assertKeyPrefix, DEFAULT_KEY_PREFIX, followerQueueName } from './names.ts';
import { redisOperation } from './redis-operation.ts';

export type FollowerQueue = Queue<ReplicationJob, unknown, typeof REPLICATE_JOB_NAME>;
type FollowerJob = Job<ReplicationJob, unknown, typeof REPLICATE_JOB_NAME>;

export interface FollowerQueuesOptions {
  /** A `client` connection shared by all queues; owned by the caller (not closed by `close()`). */
  readonly connection: RedisConnection;
  /** BullMQ prefix = the deployment key prefix. @defaultValue `{amko-fed}` */
  readonly prefix?: string;
  /** Default job options of every queue. @defaultValue `followerJobOptions()` */
  readonly defaultJobOptions?: DefaultJobOptions;
  /** Receives BullMQ queue errors (an unhandled 'error' event would crash the process). */
  readonly onError?: (error: Error, cluster: string) => void;
}

export interface EnqueueResult {
  /** The id of the job that will carry this request (an existing one when deduplicated). */
  readonly jobId: string;
}

export interface JobCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly prioritized: number;
  readonly failed: number;
  readonly completed: number;
}

export interface FailedJobFilter {
  readonly kind?: FederatedKind;
  readonly objectKey?: ObjectKey;
}

export interface FailedJob {
  readonly jobId: string;
  /** The decoded payload, or undefined when it is invalid (such jobs are never retried). */
  readonly job: ReplicationJob | undefined;
  readonly failedReason: string;
  readonly attemptsMade: number;
  /** ISO time the job failed. */
  readonly failedAt: string | undefined;
}

/**
 * The port: one queue per follower, no BullMQ types. Implemented by `createFollowerQueues` (Redis)
 * and by the in-memory fake of `@amko-fed/queue/testing`.
 */
export interface FollowerQueues {
  enqueue(job: ReplicationJob): Promise<EnqueueResult>;
  /** Pipelined per follower (BullMQ addBulk runs each add's dedup script; a follower with one job gets a plain add); results in input order. */
  enqueueMany(jobs: readonly ReplicationJob[]): Promise<EnqueueResult[]>;
  pause(cluster: string): Promise<void>;
  resume(cluster: string): Promise<void>;
  isPaused(cluster: string): Promise<boolean>;
  counts(cluster: string): Promise<JobCounts>;
  /** Failed jobs matching the filter, newest first, at most `limit` (default 1000). */
  failedJobs(cluster: string, filter?: FailedJobFilter, limit?: number): Promise<FailedJob[]>;
  /**
   * Re-drives the matching failed jobs: each is enqueued again (reason `replay`, through
   * deduplication, so a replay never runs beside a live job for the same object) and the failed
   * job is removed. Returns how many failed jobs were re-driven.
   */
  retryFailed(cluster: string, filter?: FailedJobFilter): Promise<number>;
  /**
   * Moves the follower's delayed jobs (waiting for a retry) to waiting, so they run now. Returns how
   * many were delayed when it looked (0: nothing was promoted).
   */
  promoteDelayed(cluster: string): Promise<number>;
  /** Closes every queue (not the connection); afterwards every call rejects with `ClosedError`. */
  close(): Promise<void>;
}

/** The BullMQ adapter: the port plus the BullMQ queues themselves (for bull-board, Workers, tests). */
export interface BullFollowerQueues extends FollowerQueues {
  /** The queue of a follower (opened on first use), e.g. for bull-board or a Worker's name. */
  queue(cluster: string): FollowerQueue;
  /** Every queue opened so far. */
  queues(): FollowerQueue[];
}

const PAGE = 200;

export function createFollowerQueues(options: FollowerQueuesOptions): BullFollowerQueues {
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
  assertKeyPrefix(prefix);
  const defaultJobOptions = options.defaultJobOptions ?? followerJobOptions();
  const open = new Map<string, FollowerQueue>();
  let closing: Promise<void> | undefined;

  function queue(cluster: string): FollowerQueue {
    if (closing) throw new ClosedError('follower queues');
    const existing = open.get(cluster);
    if (existing) return existing;
    const created: FollowerQueue = new Queue<ReplicationJob, unknown, typeof REPLICATE_JOB_NAME>(followerQueueName(cluster), {
      connection: options.connection,
      prefix,
      defaultJobOptions,
    });
    created.on('error', (error: Error) => options.onError?.(error, cluster));
    open.set(cluster, created);
    return created;
  }

  function addOptions(job: ReplicationJob) {
    return { deduplication: { id: deduplicationIdOf(job), keepLastIfActive: true } };
  }

  async function collectFailed(cluster: string, filter: FailedJobFilter, limit: number): Promise<FollowerJob[]> {
    const q = queue(cluster);
    const found: FollowerJob[] = [];
    for (let start = 0; found.length < limit; start += PAGE) {
      const page = (await q.getFailed(start, start + PAGE - 1)) as FollowerJob[];
      for (const job of page) {
        // getFailed may return undefined entries for jobs removed while paging.
        if (job && matchesFailedFilter(decodeJob(job.data), filter)) found.push(job);
        if (found.length >= limit) break;
      }
      if (page.length < PAGE) break;
    }
    return found;
  }

  return {
    async enqueue(job) {
      const data = encodeJob(job);
      const added = await redisOperation('enqueue', () => queue(data.cluster).add(REPLICATE_JOB_NAME, data, addOptions(data)));
      return { jobId: added.id ?? '' };
    },

    async enqueueMany(jobs) {
      const encoded = jobs.map((job) => encodeJob(job));
      const byCluster = new Map<string, number[]>();
      encoded.forEach((job, index) => {
        const indexes = byCluster.get(job.cluster) ?? [];
        indexes.push(index);
        byCluster.set(job.cluster, indexes);
      });
      const results: EnqueueResult[] = Array.from({ length: encoded.length }, () => ({ jobId: '' }));
      await Promise.all(
        [...byCluster].map(async ([cluster, indexes]) => {
          const bulk = indexes.map((i) => {
            const data = encoded[i] as ReplicationJob;
            return { name: REPLICATE_JOB_NAME, data, opts: addOptions(data) };
          });
          // One job (a watched change: one per follower) goes without addBulk's MULTI: the same
          // add script, but ioredis builds no Pipeline (which copies every BullMQ script onto itself).
          const single = bulk.length === 1 ? bulk[0] : undefined;
          const added = await redisOperation('enqueueMany', async () =>
            single === undefined ? queue(cluster).addBulk(bulk) : [await queue(cluster).add(single.name, single.data, single.opts)],
          );
          added.forEach((job, n) => {
            results[indexes[n] as number] = { jobId: job.id ?? '' };
          });
        }),
      );
      return results;
    },

    pause: (cluster) => redisOperation('pause', () => queue(cluster).pause()),
    resume: (cluster) => redisOperation('resume', () => queue(cluster).resume()),
    isPaused: (cluster) => redisOperation('isPaused', () => queue(cluster).isPaused()),

    async counts(cluster) {
      const raw = await redisOperation('counts', () =>
        queue(cluster).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'),
      );
      return {
        waiting: raw['waiting'] ?? 0,
        active: raw['active'] ?? 0,
        delayed: raw['delayed'] ?? 0,
        prioritized: raw['prioritized'] ?? 0,
        failed: raw['failed'] ?? 0,
        completed: raw['completed'] ?? 0,
      };
    },

    async failedJobs(cluster, filter = {}, limit = 1000) {
      const jobs = await redisOperation('failedJobs', () => collectFailed(cluster, filter, limit));
      return jobs.map((job) => {
        const decoded = decodeJob(job.data);
        return {
          jobId: job.id ?? '',
          job: decoded.ok ? decoded.job : undefined,
          failedReason: job.failedReason ?? '',
          attemptsMade: job.attemptsMade,
          failedAt: job.finishedOn === undefined ? undefined : new Date(job.finishedOn).toISOString(),
        };
      });
    },

    async retryFailed(cluster, filter = {}) {
      return redisOperation('retryFailed', async () => {
        let retried = 0;
        // Collect first: removing while paging would shift the pages.
        const jobs = await collectFailed(cluster, filter, Number.POSITIVE_INFINITY);
        for (const failed of jobs) {
          const decoded = decodeJob(failed.data);
          if (!decoded.ok) continue;
          const data = encodeJob({ ...decoded.job, reason: 'replay' });
          // Enqueue before removing: a crash in between leaves an extra failed job, never a lost one.
          await queue(cluster).add(REPLICATE_JOB_NAME, data, addOptions(data));
          try {
            await failed.remove();
          } catch {
            // Already removed or retried by someone else (bull-board): the re-drive above stands.
          }
          retried += 1;
        }
        return retried;
      });
    },

    promoteDelayed: (cluster) =>
      redisOperation('promoteDelayed', async () => {
        const q = queue(cluster);
        const delayed = await q.getDelayedCount();
        if (delayed > 0) await q.promoteJobs();
        return delayed;
      }),

    queue,
    queues: () => [...open.values()],

    close() {
      closing ??= Promise.all([...open.values()].map((q) => q.close())).then(() => undefined);
      return closing;
    },
  };
}
