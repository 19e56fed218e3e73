import { ErrorCode } from '@amko-fed/domain';
import { AttemptFailedError } from './attempt-failed-error.ts';

/**
 * The attempt no longer holds its job: the job's lock expired (this process stalled for longer than
 * the lock duration) and the stalled-job check may already have handed the job to another replica.
 * The attempt stops before writing to the follower and records no result; the job's current owner
 * applies the object (ADR 0009).
 */
export class LockLostError extends AttemptFailedError {
  constructor(jobId: string | undefined) {
    super(ErrorCode.Interrupted, `${ErrorCode.Interrupted}: job ${jobId ?? '?'} is no longer held by this replicator (its lock expired); another replica applies it`, undefined);
  }
}
