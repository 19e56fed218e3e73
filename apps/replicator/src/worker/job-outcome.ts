/**
 * What happens after an attempt: the result record (secret-free), metrics and one log line, in
 * Kubernetes style ("Updated GSLBConfig", "Could not delete GlobalDeploymentPolicy; will retry").
 */
import { JobReason, type ObjectKey, type ProjectionState, type ResultRecordInput } from '@amko-fed/domain';
import type { LatestChange, ResultsStore } from '@amko-fed/queue';
import type { Job } from 'bullmq';
import type { Redactor } from '../clusters/secret-redactor.ts';
import type { ReplicatorMetrics } from '../metrics/metrics.ts';
import { ApplyOutcome, type ApplyResult } from './apply-object.ts';
import { classifyFailure, toWorkerError } from './job-failure.ts';
import type { JobLogger } from './job-logger.ts';

export type AttemptJob = Pick<Job, 'id' | 'data' | 'attemptsMade' | 'timestamp' | 'opts'>;

export interface JobOutcomeDeps {
  readonly results: Pick<ResultsStore, 'recordResultIfProjected'>;
  readonly redact: Redactor;
  readonly metrics: ReplicatorMetrics;
  readonly clock: () => Date;
  /** RETRY_ATTEMPTS. */
  readonly maxAttempts: number;
}

/** What a completed job returns (kept small: BullMQ stores it, bull-board shows it). */
export interface JobReturn {
  readonly outcome: ApplyOutcome;
  readonly seq: number;
}

/** One attempt in progress: what is known about it when it ends. */
export interface Attempt {
  readonly job: AttemptJob;
  readonly logger: JobLogger;
  readonly startedMs: number;
  readonly objectKey: ObjectKey | undefined;
  /** e.g. GSLBConfig (or "object" when the payload was unreadable). */
  readonly kind: string;
}

const VERB = { created: 'Created', updated: 'Updated', deleted: 'Deleted' } as const;

const seconds = (fromMs: number, toMs: number): number => (toMs - fromMs) / 1000;

function eventTimeOf(entry: ProjectionState): number {
  return Date.parse(entry.state === 'present' ? entry.updatedAt : entry.deletedAt);
}

/** A success as recorded: what the job returns, and the projection's seq when the result was recorded. */
export interface Succeeded {
  readonly returned: JobReturn;
  /** The object's seq in the projection at record time: above `returned.seq` when it changed meanwhile. */
  readonly projectedSeq: number;
  /** How that newer change came about, when the log stamped it (see RecordedResult). */
  readonly latestChange?: LatestChange;
}

export interface JobOutcomes {
  succeeded(attempt: Attempt & { readonly objectKey: ObjectKey }, entry: ProjectionState, result: ApplyResult): Promise<Succeeded>;
  /** Nothing to apply: the projection has no entry for the object. */
  skipped(attempt: Attempt & { readonly objectKey: ObjectKey }, seq: number): Promise<JobReturn>;
  /** Records and logs a failure; returns the error to hand to BullMQ. */
  failed(attempt: Attempt, entry: ProjectionState | undefined, verb: string, error: unknown): Promise<Error>;
}

export function createJobOutcomes(cluster: string, deps: JobOutcomeDeps): JobOutcomes {
  /**
   * A result is recorded only while the projection still holds the state it is about: an attempt
   * that read a data set Redis has since lost must not leave a result that looks newer than the
   * states the watcher rebuilds (docs/architecture.md §2). Returns the projection's seq of the
   * object as the same round trip read it, and how its newest change came about.
   */
  async function record(
    attempt: Attempt & { readonly objectKey: ObjectKey },
    fields: Pick<ResultRecordInput, 'outcome' | 'seq' | 'contentHash' | 'errorCode' | 'errorMessage'>,
  ): Promise<Omit<Succeeded, 'returned'>> {
    const { id, projectedSeq, latestChange } = await deps.results.recordResultIfProjected({
      cluster,
      objectKey: attempt.objectKey,
      attempts: attempt.job.attemptsMade + 1,
      at: deps.clock().toISOString(),
      enqueuedAt: new Date(attempt.job.timestamp).toISOString(),
      ...fields,
    });
    if (id === undefined) attempt.logger.debug({ seq: fields.seq, outcome: fields.outcome }, 'Result not recorded: the federation data no longer holds this state (Redis lost it; the watcher rebuilds it)');
    return { projectedSeq, latestChange };
  }

  return {
    async succeeded(attempt, entry, result) {
      const recorded = await record(attempt, { outcome: result.outcome, seq: entry.seq, ...(entry.state === 'present' ? { contentHash: entry.contentHash } : {}) });
      const now = deps.clock().getTime();
      deps.metrics.observeAttempt(cluster, result.outcome, seconds(attempt.startedMs, now));
      deps.metrics.markSuccess(cluster, now / 1000);
      if (result.outcome === ApplyOutcome.noop) {
        attempt.logger.debug({ seq: entry.seq, reason: result.reason }, `${attempt.kind} is up to date`);
      } else {
        // Metrics only (the apply never branches on it): a resync's or replay's repair is not a leader change's latency.
        const enqueuedFor = (attempt.job.data as { reason?: unknown }).reason;
        if (enqueuedFor === JobReason.resync || enqueuedFor === JobReason.replay) deps.metrics.countRepair(cluster, enqueuedFor);
        else deps.metrics.observeEventToApplied(cluster, seconds(eventTimeOf(entry), now));
        attempt.logger.info({ seq: entry.seq, reason: result.reason, replans: result.replans }, `${VERB[result.outcome]} ${attempt.kind}`);
      }
      return { returned: { outcome: result.outcome, seq: entry.seq }, ...recorded };
    },

    async skipped(attempt, seq) {
      // Without a projection entry (not even a tombstone) nothing says what the leader has: never
      // delete on a guess. Resyncs write tombstones for objects that only followers hold.
      await record(attempt, { outcome: ApplyOutcome.noop, seq });
      const now = deps.clock().getTime();
      deps.metrics.observeAttempt(cluster, ApplyOutcome.noop, seconds(attempt.startedMs, now));
      deps.metrics.markSuccess(cluster, now / 1000);
      attempt.logger.debug({ seq }, 'Not in the projection; nothing to apply');
      return { outcome: ApplyOutcome.noop, seq };
    },

    async failed(attempt, entry, verb, error) {
      const { job, logger, objectKey, kind } = attempt;
      const number = job.attemptsMade + 1;
      const jobAttempts = typeof job.opts.attempts === 'number' ? job.opts.attempts : Number.POSITIVE_INFINITY;
      const failure = classifyFailure({ error, redact: deps.redact, attempt: number, maxAttempts: Math.min(deps.maxAttempts, jobAttempts) });
      const workerError = toWorkerError(failure);
      if (objectKey !== undefined) {
        const seq = entry?.seq ?? (typeof (job.data as { seq?: unknown }).seq === 'number' ? (job.data as { seq: number }).seq : 0);
        try {
          await record({ ...attempt, objectKey }, { outcome: failure.outcome, seq, errorCode: failure.code, errorMessage: failure.message });
        } catch (recordError) {
          const reason = deps.redact(recordError instanceof Error ? recordError.message : String(recordError));
          logger.error({ reason }, 'Could not record the result');
        }
      }
      deps.metrics.observeAttempt(cluster, failure.outcome, seconds(attempt.startedMs, deps.clock().getTime()));
      if (failure.terminal) {
        logger.error({ err: workerError, attempt: number, code: failure.code }, `Could not ${verb} ${kind}; giving up`);
      } else {
        deps.metrics.countRetry(cluster);
        logger.warn({ err: workerError, attempt: number, code: failure.code }, `Could not ${verb} ${kind}; will retry`);
      }
      return workerError;
    },
  };
}
