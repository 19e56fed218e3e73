import { AmkoFedError, type AmkoFedErrorOptions } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

/** A job's data is not a valid `ReplicationJob`: terminal, the job must fail without retries. */
export class InvalidJobPayloadError extends AmkoFedError {
  readonly code = ErrorCode.InvalidJobPayload;
  readonly retryable = false;
  /** Human-readable list of the schema violations (no payload values). */
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options: AmkoFedErrorOptions = {}) {
    super(`Invalid replication job payload: ${issues.join('; ')}`, options);
    this.issues = issues;
  }
}
