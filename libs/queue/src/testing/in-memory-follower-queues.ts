/**
 * In-memory FollowerQueues with the deduplication of the BullMQ adapter (keepLastIfActive, id
 * `<cluster>/<objectKey>`, see follower-queues.ts): an enqueue while the object's job waits or is
 * delayed is dropped (that job keeps its seq); while it is active the payload is stashed (the latest
 * wins) and becomes a waiting job when the active one completes or fails for good. Nothing runs by
 * itself: a test plays the worker with `take`, `complete` and `fail`. Checked against the BullMQ
 * adapter by follower-queues.contract.ts.
 */
import { decodeJob, deduplicationIdOf, encodeJob, JobReason, type ReplicationJob } from '@amko-fed/domain';
import { ClosedError } from '../errors/closed-error.ts';
import type { EnqueueResult, FailedJob, FailedJobFilter, FollowerQueues, JobCounts } from '../follower-queues.ts';
import { followerQueueName } from '../names.ts';
import { matchesFailedFilter } from '../failed-job-filter.ts';

export const JobState = { waiting: 'waiting', active: 'active', delayed: 'delayed', failed: 'failed', completed: 'completed' } as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

/** A job as a worker sees it (field names as BullMQ's Job, so it can stand in for one). */
export interface QueuedJob {
  readonly id: string;
  /** The payload as stored (a ReplicationJob unless added with `addRaw`). */
  readonly data: unknown;
  /** The decoded payload, or undefined when it is invalid. */
  readonly job: ReplicationJob | undefined;
  readonly state: JobState;
  /** Attempts that ended (failed) before; 0 on the first run. */
  readonly attemptsMade: number;
  /** When it was added (ms, the fake's clock). */
  readonly timestamp: number;
  readonly failedReason: string | undefined;
  readonly opts: { readonly attempts: number };
}

export interface InMemoryFollowerQueuesOptions {
  /** Attempts per job before it fails for good (as `followerJobOptions`). @defaultValue 15 */
  readonly attempts?: number;
  /** @defaultValue `() => new Date()` */
  readonly clock?: () => Date;
}

export interface InMemoryFollowerQueues extends FollowerQueues {
  /** The follower's jobs in one state, in the order a worker takes them (failed: newest first). @defaultValue waiting */
  jobs(cluster: string, state?: JobState): QueuedJob[];
  /** A worker takes the next waiting job (it becomes active); undefined when none waits or the queue is paused. */
  take(cluster: string): QueuedJob | undefined;
  /** The active job succeeded. False when it is not active (e.g. lost with `loseData`). */
  complete(cluster: string, jobId: string): boolean;
  /**
   * The active job's attempt failed: delayed for a retry while attempts remain, failed for good when
   * they are used up or `terminal` (BullMQ's UnrecoverableError). Returns the new state, or
   * undefined when the job is not active.
   */
  fail(cluster: string, jobId: string, reason: string, options?: { readonly terminal?: boolean }): JobState | undefined;
  /** Adds a payload as is (no validation, no deduplication), as `queue.add` on the real queue does. */
  addRaw(cluster: string, data: unknown): string;
  /** Forgets every queue, job and pause state, like a Redis FLUSHALL. */
  loseData(): void;
}

interface StoredJob {
  id: string;
  data: unknown;
  dedupId: string | undefined;
  state: JobState;
  attemptsMade: number;
  timestamp: number;
  failedReason: string | undefined;
  finishedOn: number | undefined;
}

interface QueueData {
  paused: boolean;
  nextId: number;
  readonly jobs: Map<string, StoredJob>;
  /** Waiting ids, next to run first. */
  wait: string[];
  readonly dedup: Map<string, string>;
  readonly stash: Map<string, { id: string; data: ReplicationJob }>;
}

export function createInMemoryFollowerQueues(options: InMemoryFollowerQueuesOptions = {}): InMemoryFollowerQueues {
  const attempts = options.attempts ?? 15;
  const clock = options.clock ?? (() => new Date());
  const queues = new Map<string, QueueData>();
  let closed = false;

  function data(cluster: string): QueueData {
    followerQueueName(cluster); // the same cluster-name rule as the real queues
    let queue = queues.get(cluster);
    if (queue === undefined) {
      queue = { paused: false, nextId: 0, jobs: new Map(), wait: [], dedup: new Map(), stash: new Map() };
      queues.set(cluster, queue);
    }
    return queue;
  }
  function open(cluster: string): QueueData {
    if (closed) throw new ClosedError('follower queues');
    return data(cluster);
  }

  function store(queue: QueueData, id: string, payload: unknown, dedupId: string | undefined): void {
    queue.jobs.set(id, { id, data: payload, dedupId, state: 'waiting', attemptsMade: 0, timestamp: clock().getTime(), failedReason: undefined, finishedOn: undefined });
    queue.wait.push(id);
  }

  function add(queue: QueueData, job: ReplicationJob): EnqueueResult {
    const id = String((queue.nextId += 1));
    const dedupId = deduplicationIdOf(job);
    const current = queue.jobs.get(queue.dedup.get(dedupId) ?? '');
    if (current !== undefined) {
      if (current.state === 'active') queue.stash.set(dedupId, { id, data: job });
      return { jobId: current.id };
    }
    queue.stash.delete(dedupId); // a stale key's stash is dropped with it
    queue.dedup.set(dedupId, id);
    store(queue, id, job, dedupId);
    return { jobId: id };
  }

  /** Completed or failed for good: releases the deduplication id and turns a stash into a job. */
  function finish(queue: QueueData, job: StoredJob, state: 'completed' | 'failed'): void {
    job.state = state;
    job.finishedOn = clock().getTime();
    if (job.dedupId === undefined) return;
    if (queue.dedup.get(job.dedupId) === job.id) queue.dedup.delete(job.dedupId);
    const next = queue.stash.get(job.dedupId);
    if (next === undefined) return;
    queue.stash.delete(job.dedupId);
    queue.dedup.set(job.dedupId, next.id);
    store(queue, next.id, next.data, job.dedupId);
  }

  const view = (job: StoredJob): QueuedJob => {
    const decoded = decodeJob(job.data);
    return {
      id: job.id, data: structuredClone(job.data), job: decoded.ok ? decoded.job : undefined, state: job.state,
      attemptsMade: job.attemptsMade, timestamp: job.timestamp, failedReason: job.failedReason, opts: { attempts },
    };
  };
  const failedOf = (queue: QueueData, filter: FailedJobFilter): StoredJob[] =>
    [...queue.jobs.values()].filter((j) => j.state === 'failed' && matchesFailedFilter(decodeJob(j.data), filter)).reverse();
  const activeJob = (cluster: string, jobId: string): [QueueData, StoredJob] | undefined => {
    const queue = queues.get(cluster);
    const job = queue?.jobs.get(jobId);
    return queue && job?.state === 'active' ? [queue, job] : undefined;
  };

  return {
    async enqueue(job) {
      const encoded = encodeJob(job);
      return add(open(encoded.cluster), encoded);
    },
    async enqueueMany(jobs) {
      const encoded = jobs.map((job) => encodeJob(job));
      encoded.forEach((job) => open(job.cluster));
      return encoded.map((job) => add(open(job.cluster), job));
    },
    async pause(cluster) {
      open(cluster).paused = true;
    },
    async resume(cluster) {
      open(cluster).paused = false;
    },
    isPaused: async (cluster) => open(cluster).paused,
    async counts(cluster): Promise<JobCounts> {
      const all = [...open(cluster).jobs.values()];
      const count = (state: JobState): number => all.filter((j) => j.state === state).length;
      return { waiting: count('waiting'), active: count('active'), delayed: count('delayed'), prioritized: 0, failed: count('failed'), completed: count('completed') };
    },
    async failedJobs(cluster, filter = {}, limit = 1000): Promise<FailedJob[]> {
      return failedOf(open(cluster), filter).slice(0, limit).map((job) => {
        const decoded = decodeJob(job.data);
        return {
          jobId: job.id, job: decoded.ok ? decoded.job : undefined, failedReason: job.failedReason ?? '', attemptsMade: job.attemptsMade,
          failedAt: job.finishedOn === undefined ? undefined : new Date(job.finishedOn).toISOString(),
        };
      });
    },
    async retryFailed(cluster, filter = {}) {
      const queue = open(cluster);
      let retried = 0;
      for (const failed of failedOf(queue, filter)) {
        const decoded = decodeJob(failed.data);
        if (!decoded.ok) continue;
        add(queue, encodeJob({ ...decoded.job, reason: JobReason.replay }));
        queue.jobs.delete(failed.id);
        retried += 1;
      }
      return retried;
    },
    async promoteDelayed(cluster) {
      const queue = open(cluster);
      const delayed = [...queue.jobs.values()].filter((j) => j.state === 'delayed');
      for (const job of delayed) {
        job.state = 'waiting';
        queue.wait.push(job.id);
      }
      return delayed.length;
    },
    async close() {
      closed = true;
    },

    jobs(cluster, state = 'waiting') {
      const queue = data(cluster);
      if (state === 'waiting') return queue.wait.map((id) => view(queue.jobs.get(id) as StoredJob));
      const found = [...queue.jobs.values()].filter((j) => j.state === state);
      return (state === 'failed' ? found.reverse() : found).map(view);
    },
    take(cluster) {
      const queue = data(cluster);
      const id = queue.paused ? undefined : queue.wait.shift();
      const job = id === undefined ? undefined : queue.jobs.get(id);
      if (job === undefined) return undefined;
      job.state = 'active';
      return view(job);
    },
    complete(cluster, jobId) {
      const found = activeJob(cluster, jobId);
      if (found) finish(found[0], found[1], 'completed');
      return found !== undefined;
    },
    fail(cluster, jobId, reason, failOptions = {}) {
      const found = activeJob(cluster, jobId);
      if (found === undefined) return undefined;
      const [queue, job] = found;
      job.attemptsMade += 1;
      job.failedReason = reason;
      if (failOptions.terminal !== true && job.attemptsMade < attempts) job.state = 'delayed';
      else finish(queue, job, 'failed');
      return job.state;
    },
    addRaw(cluster, payload) {
      const queue = data(cluster);
      const id = String((queue.nextId += 1));
      store(queue, id, structuredClone(payload), undefined);
      return id;
    },
    loseData() {
      queues.clear();
    },
  };
}
