/** What the store contracts run against: one data set's four stores, a worker to drive jobs, data loss. */
import type { HistoryRetention, ReplicationJob } from '@amko-fed/domain';
import type { FederationLog } from '../federation-log.ts';
import type { FollowerQueues } from '../follower-queues.ts';
import type { MemberRegistry } from '../member-registry.ts';
import type { ResultsStore } from '../results-store.ts';

/** A job a worker took. */
export interface TakenJob {
  readonly id: string;
  readonly job: ReplicationJob | undefined;
  readonly attemptsMade: number;
}

/** Plays the replicator's worker: one job at a time, settled by the test. */
export interface ContractWorker {
  /** Takes the next waiting job of a follower (undefined when none waits or the queue is paused). */
  take(cluster: string): Promise<TakenJob | undefined>;
  complete(cluster: string, jobId: string): Promise<void>;
  /** Fails the attempt; `terminal` as BullMQ's UnrecoverableError. */
  fail(cluster: string, jobId: string, reason: string, options?: { readonly terminal?: boolean }): Promise<void>;
  /** Adds a payload without validation or deduplication (an invalid job). */
  addRaw(cluster: string, data: unknown): Promise<void>;
}

export interface StoresSubject {
  readonly log: FederationLog;
  readonly results: ResultsStore;
  readonly registry: MemberRegistry;
  /** Jobs fail for good after 3 attempts; a retry waits (delayed) until promoted. */
  readonly queues: FollowerQueues;
  readonly worker: ContractWorker;
  /** Empties the data set, as a Redis FLUSHALL would. */
  loseData(): Promise<void>;
  close(): Promise<void>;
}

export interface SubjectOptions {
  readonly clock?: () => Date;
  readonly maxEvents?: number;
  readonly history?: HistoryRetention;
}

/** A new, empty data set per call. */
export type MakeStores = (options?: SubjectOptions) => Promise<StoresSubject>;

/** Polls `read` until `done` holds (never asserts on time). */
export async function poll<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`condition not reached within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
