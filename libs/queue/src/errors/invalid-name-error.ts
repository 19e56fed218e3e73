import { QueueError } from './queue-error.ts';

/** A key prefix, cluster (context) name or queue name that cannot be used in Redis keys. */
export class InvalidNameError extends QueueError {
  readonly code = 'INVALID_NAME';
  readonly terminal = true;
  /** What was being named: `key prefix`, `cluster`. */
  readonly what: string;

  constructor(what: string, reason: string, options?: { cause?: unknown }) {
    super(`Invalid ${what}: ${reason}`, options);
    this.what = what;
  }
}
