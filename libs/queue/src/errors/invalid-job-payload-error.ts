import { QueueError } from './queue-error.ts';

/** A job's data is not a valid `ReplicationJob`: terminal, the job must fail without retries. */
export class InvalidJobPayloadError extends QueueError {
  readonly code = 'INVALID_JOB_PAYLOAD';
  readonly terminal = true;
  /** Human-readable list of the schema violations (no payload values). */
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options?: { cause?: unknown }) {
    super(`Invalid replication job payload: ${issues.join('; ')}`, options);
    this.issues = issues;
  }
}
