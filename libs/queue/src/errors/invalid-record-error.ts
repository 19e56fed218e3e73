import { QueueError } from './queue-error.ts';

/**
 * A record read from or written to Redis (event, projection entry, member registry, result)
 * does not match its schema. Terminal: the same input fails again.
 */
export class InvalidRecordError extends QueueError {
  readonly code = 'INVALID_RECORD';
  readonly terminal = true;
  /** Which record kind failed, e.g. `projection entry`. */
  readonly record: string;
  readonly issues: readonly string[];

  constructor(record: string, issues: readonly string[], options?: { cause?: unknown }) {
    super(`Invalid ${record}: ${issues.join('; ')}`, options);
    this.record = record;
    this.issues = issues;
  }
}
