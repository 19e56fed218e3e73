/**
 * One replication attempt, the imperative shell around planApply:
 * decode → read the projection's LATEST state → (defer while a burst goes on) → fence → converge
 * the follower object → record the result. The job's own seq is only a lower bound; a retried,
 * replayed or reordered job therefore never pushes older state over newer.
 *
 * Two orders of the same steps. Usually the follower's fencing token is read first, then the job's
 * lock is checked and the projection read in one Redis round trip (`lockedRead`), and the write
 * follows at once unless the copy must be read first (then the lock is checked again before the
 * write): one round trip less per apply than a separate lock check, and the state written is the
 * one the projection held when the lock was last confirmed. The projection is read first, and the
 * lock checked right before the write, for an object in a burst (whether to defer needs its last
 * change time before anything is sent to the follower), for a job without a lock token, and
 * without `lockedRead`. Either way a failure is recorded at the projection's seq (read for the
 * record when the attempt failed before reading it), so that it counts in the status.
 */
import {
  decodeJob,
  ErrorCode,
  FEDERATED_KINDS,
  InvalidPayloadError,
  parseKubeObject,
  parseObjectKey,
  UnavailableError,
  type DesiredState,
  type LeaderTerm,
  type ObjectKey,
  type ObjectRef,
  type ProjectionState,
} from '@amko-fed/domain';
import { readFenceToken, type ClusterClient } from '@amko-fed/kube';
import type { FederationLog, LockedProjectionReader } from '@amko-fed/queue';
import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { LeaderFence } from '../fencing/leader-fence.ts';
import { applyObject } from './apply-object.ts';
import { createBurstCoalescer, type BurstCoalescerOptions } from './burst-coalescer.ts';
import { AttemptFailedError } from './errors/attempt-failed-error.ts';
import { LockLostError } from './errors/lock-lost-error.ts';
import { LOCK_DURATION_MS } from './follower-worker.ts';
import { createJobLogger } from './job-logger.ts';
import { createJobOutcomes, type Attempt, type AttemptJob, type JobOutcomeDeps, type JobReturn } from './job-outcome.ts';
import type { WrittenCopies } from './written-copies.ts';

export type { JobReturn } from './job-outcome.ts';

export interface ReplicateJobDeps extends JobOutcomeDeps {
  readonly log: Pick<FederationLog, 'readProjection'>;
  /** Checks the job's lock and reads the projection in one round trip; without it, two (see the header). */
  readonly lockedRead?: LockedProjectionReader;
  readonly clientFor: (cluster: string) => ClusterClient;
  readonly fence: LeaderFence;
  /** The leader's context from the member registry (provenance), undefined before the first read. */
  readonly leaderContext: () => string | undefined;
  /** The leader's epoch from the member registry; undefined from a watcher without epochs. */
  readonly leaderEpoch?: () => number | undefined;
  readonly logger: Logger;
  /** Told whether the follower answered (for catch-up after an outage). */
  readonly onReachability?: (cluster: string, reachable: boolean) => void;
  /** Burst coalescing tunables (tests). */
  readonly bursts?: BurstCoalescerOptions;
  /** The copies last written on the followers; without it every apply reads the follower's copy first. */
  readonly writtenCopies?: WrittenCopies;
}

/** What the processor uses of a BullMQ Job (a Job is one; unit tests pass the in-memory queue's jobs). */
export type ProcessedJob = AttemptJob & Pick<Job, 'moveToDelayed' | 'extendLock' | 'queueQualifiedName'>;


/** The processor BullMQ calls (it passes an AbortSignal to processors with 3 parameters). */
export type JobProcessor = (job: ProcessedJob, token?: string, signal?: AbortSignal) => Promise<JobReturn>;

/** Code of the error an attempt ends with when shutdown interrupts it (it is retried). */
export const INTERRUPTED_CODE = ErrorCode.Interrupted;

/**
 * Ends an attempt early when `signal` aborts (shutdown past its grace period): the job is retried
 * (by another replica or after the restart). The abandoned apply is idempotent, so letting it
 * finish in the background is harmless.
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

const changedAt = (entry: ProjectionState): number => Date.parse(entry.state === 'present' ? entry.updatedAt : entry.deletedAt);

/** The processor of one follower's queue. */
export function createJobProcessor(cluster: string, deps: ReplicateJobDeps): JobProcessor {
  const clusterLogger = deps.logger.child({ component: 'worker', cluster });
  const outcomes = createJobOutcomes(cluster, deps);
  const bursts = createBurstCoalescer(deps.bursts);

  async function replicate(job: ProcessedJob, token: string | undefined): Promise<JobReturn> {
    const startedMs = deps.clock().getTime();
    const decoded = decodeJob(job.data);
    const objectKey = decoded.ok ? decoded.job.objectKey : undefined;
    const ref = objectKey === undefined ? undefined : parseObjectKey(objectKey);
    const logger = createJobLogger(clusterLogger, objectKey === undefined ? { jobId: job.id } : { jobId: job.id, objectKey });
    const attempt: Attempt = { job, logger, startedMs, objectKey, kind: ref?.kind ?? 'object' };
    let entry: ProjectionState | undefined;
    /** The valid job's object while its projection entry is not asked for yet (the token and fence come first in the usual order). */
    let unread: ObjectKey | undefined;
    let talkingToFollower = false;
    try {
      if (!decoded.ok) throw decoded.error;
      if (decoded.job.cluster !== cluster) throw new InvalidPayloadError(`job for cluster ${decoded.job.cluster} is in the queue of ${cluster}`);
      if (ref === undefined || objectKey === undefined) throw new InvalidPayloadError('job without a usable object key');
      const keyed = { ...attempt, objectKey };
      unread = objectKey;
      const client = deps.clientFor(cluster);
      const epoch = deps.leaderEpoch?.();
      const jobId = job.id;
      // Set when the lock was checked with the projection read and nothing was sent since.
      let lockChecked = false;
      let fenceToken: { readonly term: LeaderTerm | undefined } | undefined;
      if (deps.lockedRead !== undefined && token !== undefined && jobId !== undefined && !bursts.inBurst(objectKey)) {
        talkingToFollower = true;
        await deps.fence.check(cluster, client);
        fenceToken = { term: epoch === undefined ? undefined : await readFenceToken(client) };
        talkingToFollower = false;
        unread = undefined;
        const read = await deps.lockedRead(objectKey, { queueQualifiedName: job.queueQualifiedName, jobId, token, durationMs: LOCK_DURATION_MS });
        if (!read.held) throw new LockLostError(jobId);
        lockChecked = true;
        entry = read.entry;
      } else {
        unread = undefined;
        entry = await deps.log.readProjection(objectKey);
      }
      if (entry === undefined) return await outcomes.skipped(keyed, decoded.job.seq);
      const wait = bursts.deferFor(objectKey, changedAt(entry), startedMs);
      if (wait > 0 && token !== undefined) {
        await job.moveToDelayed(startedMs + wait, token);
        logger.debug({ waitMs: wait, seq: entry.seq }, 'Burst in progress; applying once the object is quiet');
        throw new DelayedError();
      }
      const desired = desiredOf(entry, objectKey, ref);
      const leader = deps.leaderContext();
      if (leader === undefined) throw new UnavailableError('the member registry names no leader yet');
      talkingToFollower = true;
      if (fenceToken === undefined) await deps.fence.check(cluster, client);
      // Several replicators share the queue: right before a write, renew the job's lock and make sure
      // it is still ours (ADR 0009). A replicator that stalled past its lock writes nothing. A check
      // made with the projection read counts when the follower was not waited for since.
      let writeSentMs: number | undefined;
      const beforeWrite = async (waitedForFollower: boolean): Promise<void> => {
        const checked = lockChecked && !waitedForFollower;
        lockChecked = false;
        if (!checked && token !== undefined && (await job.extendLock(token, LOCK_DURATION_MS)) !== 1) throw new LockLostError(job.id);
        writeSentMs = deps.clock().getTime();
      };
      const written = deps.writtenCopies?.slot(cluster, objectKey);
      const result = await applyObject({ client, kindInfo: FEDERATED_KINDS[ref.kind], ref, desired, sourceCluster: leader, epoch, clock: deps.clock, beforeWrite, written, fenceToken });
      talkingToFollower = false;
      deps.onReachability?.(cluster, true);
      // Did the object change while it was being applied? Then a burst is on (see burst-coalescer).
      // The result record reads the projection's seq, and how its newest change came about, in the
      // same round trip. Measured just before that round trip, so never longer than it really was.
      const recordingMs = deps.clock().getTime();
      const writeSentAgoMs = recordingMs - (writeSentMs ?? recordingMs);
      const { returned, projectedSeq, latestChange } = await outcomes.succeeded(keyed, entry, result);
      bursts.noteApplied(objectKey, { appliedSeq: entry.seq, latestSeq: projectedSeq, latestChange, writeSentAgoMs }, deps.clock().getTime());
      return returned;
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      if (error instanceof LockLostError) {
        logger.warn({ err: error }, 'Lost the job to another replicator before writing; not applying');
        throw error;
      }
      if (talkingToFollower && error instanceof UnavailableError) deps.onReachability?.(cluster, false);
      // A failure before the projection was read (the fence or the token) is recorded at the
      // projection's seq, as one after it: at the job's own seq, older when later changes were
      // deduplicated into this job, it would not count, and the status would show the newer
      // state as pending instead of failed.
      if (unread !== undefined) entry = await deps.log.readProjection(unread).catch(() => undefined);
      throw await outcomes.failed(attempt, entry, entry?.state === 'absent' ? 'delete' : 'apply', error);
    }
  }

  return (job, token, signal) => interruptible(replicate(job, token), signal);
}
