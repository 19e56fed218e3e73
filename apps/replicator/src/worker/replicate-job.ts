/**
 * One replication attempt, the imperative shell around planApply:
 * decode → read the projection's LATEST state → fence → converge the follower object → record the
 * result. The job's own seq is only a lower bound; a retried, replayed or reordered job therefore
 * never pushes older state over newer.
 */
import {
  FEDERATED_KINDS,
  InvalidPayloadError,
  parseKubeObject,
  parseObjectKey,
  UnavailableError,
  type DesiredState,
  type ObjectKey,
  type ObjectRef,
} from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import { decodeJob, type FederationLog, type ProjectionState, type ResultsStore } from '@amko-fed/queue';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Redactor } from '../clusters/secret-redactor.ts';
import type { LeaderFence } from '../fencing/leader-fence.ts';
import type { ReplicatorMetrics } from '../metrics/metrics.ts';
import { ApplyOutcome, applyObject, type ApplyResult } from './apply-object.ts';
import { AttemptFailedError } from './errors/attempt-failed-error.ts';
import { classifyFailure, toWorkerError, type Failure } from './job-failure.ts';

export interface ReplicateJobDeps {
  readonly log: Pick<FederationLog, 'readProjection'>;
  readonly results: Pick<ResultsStore, 'recordResult'>;
  readonly clientFor: (cluster: string) => ClusterClient;
  readonly redact: Redactor;
  readonly fence: LeaderFence;
  /** The leader's context from the member registry (provenance), undefined before the first read. */
  readonly leaderContext: () => string | undefined;
  readonly metrics: ReplicatorMetrics;
  readonly clock: () => Date;
  /** RETRY_ATTEMPTS: a retryable failure on this attempt becomes terminal. */
  readonly maxAttempts: number;
  readonly logger: Logger;
  /** Told whether the follower answered (for catch-up after an outage). */
  readonly onReachability?: (cluster: string, reachable: boolean) => void;
}

/** What a completed job returns (kept small: BullMQ stores it). */
export interface JobReturn {
  readonly outcome: ApplyOutcome;
  readonly seq: number;
}

type RawJob = Pick<Job, 'id' | 'data' | 'attemptsMade' | 'timestamp' | 'opts'>;

const seconds = (fromMs: number, toMs: number): number => (toMs - fromMs) / 1000;

function desiredOf(entry: ProjectionState, objectKey: ObjectKey, ref: ObjectRef): DesiredState {
  if (entry.state === 'absent') return { state: 'absent' };
  const parsed = parseKubeObject(entry.object, `projection object ${objectKey}`);
  if (!parsed.ok) throw new InvalidPayloadError(parsed.message);
  const { name, namespace } = parsed.value.metadata;
  if (name !== ref.name || namespace !== ref.namespace) {
    throw new InvalidPayloadError(`projection object ${objectKey} is named ${namespace ?? ''}/${name}`);
  }
  return { state: 'present', object: parsed.value, resourceVersion: entry.resourceVersion };
}

function eventTimeOf(entry: ProjectionState): number {
  return Date.parse(entry.state === 'present' ? entry.updatedAt : entry.deletedAt);
}

const VERB = { created: 'Created', updated: 'Updated', deleted: 'Deleted' } as const;

/** The processor of one follower's queue. */
/** Processor signature BullMQ calls (it passes an AbortSignal to processors with 3 parameters). */
export type JobProcessor = (job: RawJob, token?: string, signal?: AbortSignal) => Promise<JobReturn>;

/** Code of the error an attempt ends with when shutdown interrupts it (retried, not recorded). */
export const INTERRUPTED_CODE = 'INTERRUPTED';

/**
 * Ends an attempt early when `signal` aborts (shutdown past its grace period): the job is retried
 * (by another replica or after the restart). The abandoned apply is idempotent, so letting it
 * finish in the background is harmless; its own outcome is only logged.
 */
function interruptible(work: Promise<JobReturn>, signal: AbortSignal | undefined): Promise<JobReturn> {
  if (signal === undefined) return work;
  return new Promise<JobReturn>((resolve, reject) => {
    const onAbort = (): void => {
      work.catch(() => undefined);
      reject(new AttemptFailedError(INTERRUPTED_CODE, `${INTERRUPTED_CODE}: the replicator is shutting down; the job will be retried`, undefined));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createJobProcessor(cluster: string, deps: ReplicateJobDeps): JobProcessor {
  const clusterLogger = deps.logger.child({ component: 'worker', cluster });

  async function record(objectKey: ObjectKey, job: RawJob, fields: Record<string, unknown>): Promise<void> {
    await deps.results.recordResult({
      cluster,
      objectKey,
      attempts: job.attemptsMade + 1,
      at: deps.clock().toISOString(),
      enqueuedAt: new Date(job.timestamp).toISOString(),
      ...fields,
    } as Parameters<ResultsStore['recordResult']>[0]);
  }

  async function onSuccess(job: RawJob, logger: Logger, objectKey: ObjectKey, entry: ProjectionState, kind: string, result: ApplyResult, startedMs: number): Promise<JobReturn> {
    await record(objectKey, job, {
      outcome: result.outcome,
      seq: entry.seq,
      ...(entry.state === 'present' ? { contentHash: entry.contentHash } : {}),
    });
    const now = deps.clock().getTime();
    deps.metrics.observeAttempt(cluster, result.outcome, seconds(startedMs, now));
    if (result.outcome === ApplyOutcome.noop) {
      logger.debug({ seq: entry.seq, reason: result.reason }, `${kind} is up to date`);
    } else {
      deps.metrics.observeEventToApplied(cluster, seconds(eventTimeOf(entry), now));
      logger.info({ seq: entry.seq, outcome: result.outcome, reason: result.reason, replans: result.replans }, `${VERB[result.outcome]} ${kind}`);
    }
    return { outcome: result.outcome, seq: entry.seq };
  }

  async function onFailure(job: RawJob, logger: Logger, objectKey: ObjectKey | undefined, entry: ProjectionState | undefined, verb: string, kind: string, error: unknown, startedMs: number): Promise<Error> {
    const attempt = job.attemptsMade + 1;
    const jobAttempts = typeof job.opts.attempts === 'number' ? job.opts.attempts : Number.POSITIVE_INFINITY;
    const failure: Failure = classifyFailure({ error, redact: deps.redact, attempt, maxAttempts: Math.min(deps.maxAttempts, jobAttempts) });
    const workerError = toWorkerError(failure);
    if (objectKey !== undefined) {
      try {
        await record(objectKey, job, {
          outcome: failure.outcome,
          seq: entry?.seq ?? (job.data as { seq?: number }).seq ?? 0,
          errorCode: failure.code,
          errorMessage: failure.message,
        });
      } catch (recordError) {
        logger.error({ err: toWorkerError(classifyFailure({ error: recordError, redact: deps.redact, attempt: 1, maxAttempts: 1 })) }, 'Could not record the result');
      }
    }
    deps.metrics.observeAttempt(cluster, failure.outcome, seconds(startedMs, deps.clock().getTime()));
    if (failure.terminal) {
      logger.error({ err: workerError, attempt, code: failure.code }, `Could not ${verb} ${kind}; giving up`);
    } else {
      deps.metrics.countRetry(cluster);
      logger.warn({ err: workerError, attempt, code: failure.code }, `Could not ${verb} ${kind}; will retry`);
    }
    return workerError;
  }

  async function notInProjection(job: RawJob, logger: Logger, objectKey: ObjectKey, seq: number, startedMs: number): Promise<JobReturn> {
    // Without a projection entry (not even a tombstone) nothing says what the leader has: never
    // delete on a guess. Resyncs write tombstones for objects that only followers hold.
    await record(objectKey, job, { outcome: ApplyOutcome.noop, seq });
    deps.metrics.observeAttempt(cluster, ApplyOutcome.noop, seconds(startedMs, deps.clock().getTime()));
    logger.debug({ seq }, 'Not in the projection; nothing to apply');
    return { outcome: ApplyOutcome.noop, seq };
  }

  async function replicate(job: RawJob): Promise<JobReturn> {
    const startedMs = deps.clock().getTime();
    const decoded = decodeJob(job.data);
    const objectKey = decoded.ok ? decoded.job.objectKey : undefined;
    const logger = clusterLogger.child({ jobId: job.id, ...(objectKey === undefined ? {} : { objectKey }) });
    const ref = objectKey === undefined ? undefined : parseObjectKey(objectKey);
    const kind = ref?.kind ?? 'object';
    let entry: ProjectionState | undefined;
    let verb = 'apply';
    let talkingToFollower = false;
    try {
      if (!decoded.ok) throw decoded.error;
      if (decoded.job.cluster !== cluster) {
        throw new InvalidPayloadError(`job for cluster ${decoded.job.cluster} is in the queue of ${cluster}`);
      }
      if (ref === undefined || objectKey === undefined) throw new InvalidPayloadError('job without a usable object key');
      const client = deps.clientFor(cluster);
      entry = await deps.log.readProjection(objectKey);
      if (entry === undefined) return await notInProjection(job, logger, objectKey, decoded.job.seq, startedMs);
      verb = entry.state === 'absent' ? 'delete' : 'apply';
      const desired = desiredOf(entry, objectKey, ref);
      const leader = deps.leaderContext();
      if (leader === undefined) throw new UnavailableError('the member registry names no leader yet');
      talkingToFollower = true;
      await deps.fence.check(cluster, client);
      const result = await applyObject({ client, kindInfo: FEDERATED_KINDS[ref.kind], ref, desired, sourceCluster: leader });
      talkingToFollower = false;
      deps.onReachability?.(cluster, true);
      return await onSuccess(job, logger, objectKey, entry, kind, result, startedMs);
    } catch (error) {
      if (talkingToFollower && error instanceof UnavailableError) deps.onReachability?.(cluster, false);
      throw await onFailure(job, logger, objectKey, entry, verb, kind, error, startedMs);
    }
  }

  return (job, _token, signal) => interruptible(replicate(job), signal);
}
