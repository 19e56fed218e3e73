import { AmkoFedError, ErrorCode, type AmkoFedErrorOptions } from '@amko-fed/domain';

/**
 * A record read from or written to Redis (event, projection entry, member registry, result)
 * does not match its schema. Terminal: the same input fails again.
 */
export class InvalidRecordError extends AmkoFedError {
  readonly code = ErrorCode.InvalidRecord;
  readonly retryable = false;
  /** Which record kind failed, e.g. `projection entry`. */
  readonly record: string;
  readonly issues: readonly string[];

  constructor(record: string, issues: readonly string[], options: AmkoFedErrorOptions = {}) {
    super(`Invalid ${record}: ${issues.join('; ')}`, options);
    this.record = record;
    this.issues = issues;
  }
}
