import { AmkoFedError, type AmkoFedErrorOptions } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

/** A cluster (context) name, key prefix or queue name that cannot be used in queue names and Redis keys. Terminal. */
export class InvalidNameError extends AmkoFedError {
  readonly code = ErrorCode.InvalidName;
  readonly retryable = false;
  /** What was being named: `cluster`, `key prefix`. */
  readonly what: string;

  constructor(what: string, reason: string, options: AmkoFedErrorOptions = {}) {
    super(`Invalid ${what}: ${reason}`, options);
    this.what = what;
  }
}
