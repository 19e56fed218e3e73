/**
 * Failed objects are retried by the watcher, so that a follower converges by itself once a fault
 * is gone, without a new leader change. The replicator retries an attempt up to RETRY_ATTEMPTS
 * times with backoff; after that (or at once for a terminal error such as a 422) its job stays
 * failed. The watcher then enqueues the (follower, object) pair again FAILED_RETRY_BASE_MS after
 * it received the last failed result, doubling with every retry that failed again (30 s, 1 min, 2 min, 4 min,
 * …), at most every RESYNC_INTERVAL; a success ends it. Only failures that still count (the same
 * rule as the status: the result is about the projection's current state) are retried, and only
 * on valid followers. While a job for the pair still waits for its own retry, the enqueue is
 * deduplicated into it (follower-queues.ts), so this never adds attempts beside a live job.
 */
import { SyncState, syncStateOf, type ObjectKey, type ReplicationJob } from '@amko-fed/domain';
import type { ResultSummary } from '../status/federation-steps.ts';

export const FAILED_RETRY_BASE_MS = 30_000;

/** Delay before the `retries`-th watcher retry of a failed pair (0-based), capped. */
export function failedRetryDelayMs(retries: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(retries, 30));
}

export interface FailedPair {
  readonly cluster: string;
  readonly key: ObjectKey;
  readonly result: ResultSummary;
}

export interface DueRetriesInput {
  readonly failures: Iterable<FailedPair>;
  readonly validFollowers: readonly string[];
  /** The projection's seq of a key (undefined when unknown). */
  seqOf(key: ObjectKey): number | undefined;
  /** Watcher retries made so far per pair id (`<cluster>/<key>`); pairs no longer failing are dropped. */
  readonly retries: ReadonlyMap<string, number>;
  readonly nowMs: number;
  readonly baseMs: number;
  readonly capMs: number;
}

export interface DueRetries {
  readonly jobs: ReplicationJob[];
  /** The retry counts to keep: only pairs that still fail, incremented for those enqueued now. */
  readonly retries: Map<string, number>;
}

/** Which failed pairs to enqueue now (pure). */
export function dueRetries(input: DueRetriesInput): DueRetries {
  const valid = new Set(input.validFollowers);
  const jobs: ReplicationJob[] = [];
  const retries = new Map<string, number>();
  for (const { cluster, key, result } of input.failures) {
    const seq = input.seqOf(key);
    if (!valid.has(cluster) || seq === undefined || syncStateOf({ seq }, result) !== SyncState.failed) continue;
    const id = `${cluster}/${key}`;
    const made = input.retries.get(id) ?? 0;
    const dueAt = result.seenMs + failedRetryDelayMs(made, input.baseMs, input.capMs);
    if (input.nowMs >= dueAt) {
      jobs.push({ cluster, objectKey: key, seq, reason: 'resync' });
      retries.set(id, made + 1);
    } else {
      retries.set(id, made);
    }
  }
  return { jobs, retries };
}
