/**
 * The BullMQ Worker of one follower queue. Workers of different followers share one non-blocking
 * Redis connection (commands, lock renewal, stalled checks) and each has its own blocking
 * connection (BullMQ duplicates it), so a slow or unreachable follower only ever occupies its own
 * worker's slots.
 *
 * Locks and stalled jobs. BullMQ's defaults (lock 30 s, stalled check every 30 s) would leave a job
 * of a killed replicator (kill -9, OOM, node loss) invisible for 30–90 s. Here:
 *   - LOCK_DURATION_MS = 5 s: the lock is renewed every 2.5 s (half of it) by a timer, independently
 *     of how long the apply takes, so a long apply (slow API server, up to the request timeout per
 *     call) keeps its lock. It is lost only if the event loop or Redis stalls for more than 2.5 s, and
 *     even then the worst case is one extra idempotent apply.
 *   - STALLED_INTERVAL_MS = 1 s: the stalled checker first marks active jobs, then on a later pass
 *     moves those whose lock is gone back to wait. A killed worker's job is therefore retried within
 *     lock expiry + up to two checks: ≈ 5–7 s after the kill (by a replica, or the restarted process
 *     whose first check runs at start). The check is one small Lua script per follower per second.
 *   - MAX_STALLED_COUNT = 3: a job that keeps killing its worker fails after three recoveries
 *     instead of crash-looping (it stays replayable); ordinary restarts stay well below that.
 */
import { cappedJitterBackoff, followerQueueName, type RetryAfterCarrier } from '@amko-fed/queue';
import { Worker, type BackoffStrategy } from 'bullmq';
import type { createRedisConnection } from '@amko-fed/queue';
import type { JobProcessor } from './replicate-job.ts';
import type { WatchedWorker } from './stall-watchdog.ts';

export const LOCK_DURATION_MS = 5_000;
export const STALLED_INTERVAL_MS = 1_000;
export const MAX_STALLED_COUNT = 3;

export type RedisConnection = ReturnType<typeof createRedisConnection>;

export interface FollowerWorkerOptions {
  readonly cluster: string;
  /** A `worker`-role connection shared by every follower worker (maxRetriesPerRequest: null). */
  readonly connection: RedisConnection;
  readonly prefix: string;
  readonly concurrency: number;
  readonly retryBaseMs: number;
  readonly retryCapMs: number;
  /** Takes (job, token, signal): BullMQ passes the AbortSignal used to interrupt at shutdown. */
  readonly process: JobProcessor;
  /** Worker errors (connection loss, lock renewal failures); an unhandled 'error' event would crash. */
  readonly onError: (error: Error) => void;
  /** Stalled-job recoveries (a worker died with the job). */
  readonly onStalled: (jobId: string) => void;
  /** The worker name stored on processed jobs (shown on the board). */
  readonly name: string;
  /** @defaultValue Math.random */
  readonly random?: () => number;
}

/**
 * The replicator's retry delays: capped exponential backoff with full jitter, from RETRY_BASE to
 * RETRY_CAP, never below a 429's Retry-After. The replicator owns its retry policy, so the job's
 * own `backoff.delay` (set by whoever enqueued it) is ignored; only the type must be custom.
 */
export function replicatorBackoff(baseMs: number, capMs: number, random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade, _type, err) => {
    const retryAfter = (err as RetryAfterCarrier | undefined)?.retryAfterMs;
    const minDelayMs = typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
    return cappedJitterBackoff(attemptsMade, { baseMs, capMs, minDelayMs }, random);
  };
}

/**
 * Retention for jobs that do not carry their own (followerJobOptions sets the same): completed jobs
 * trimmed to 1,000 / 1 h, failed jobs kept (up to 5,000) for replay.
 */
const REMOVE_ON_COMPLETE = { count: 1_000, age: 3_600 };
const REMOVE_ON_FAIL = { count: 5_000 };

/** A running follower worker as the replicator drives it (BullMQ's Worker is one). */
export interface FollowerWorker {
  /** Stops taking jobs and resolves once the active ones have finished. */
  close(): Promise<void>;
  /** Aborts the active jobs' signals (their processors end with INTERRUPTED and are retried). */
  cancelAllJobs(reason?: string): void;
}

/** A follower worker the stall watchdog can watch and close by force. */
export type WatchableFollowerWorker = FollowerWorker & WatchedWorker;

/** Adapts BullMQ's Worker to what the stall watchdog reads (progress events, blocking connection status). */
export function watchableWorker(worker: Worker): WatchableFollowerWorker {
  let blocking: { readonly status: string } | undefined;
  worker.backend.blockingClient?.then(
    (client) => {
      blocking = client;
    },
    () => undefined,
  );
  return {
    close: () => worker.close(),
    forceClose: () => worker.close(true),
    cancelAllJobs: (reason) => worker.cancelAllJobs(reason),
    onProgress(listener) {
      for (const event of ['active', 'completed', 'failed'] as const) worker.on(event, listener);
    },
    blockingStatus: () => blocking?.status,
  };
}

export function createFollowerWorker(options: FollowerWorkerOptions): Worker {
  const worker = new Worker(followerQueueName(options.cluster), options.process, {
    connection: options.connection,
    prefix: options.prefix,
    name: options.name,
    concurrency: options.concurrency,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
    removeOnComplete: REMOVE_ON_COMPLETE,
    removeOnFail: REMOVE_ON_FAIL,
    settings: { backoffStrategy: replicatorBackoff(options.retryBaseMs, options.retryCapMs, options.random) },
  });
  worker.on('error', options.onError);
  worker.on('stalled', options.onStalled);
  return worker;
}
