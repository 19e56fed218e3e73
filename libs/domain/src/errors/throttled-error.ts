import { AmkoFedError, type AmkoFedErrorOptions } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

export interface ThrottledErrorOptions extends AmkoFedErrorOptions {
  /** From the Retry-After header, when the server sent one. */
  readonly retryAfterMs?: number | undefined;
}

/** 429 Too Many Requests (API priority and fairness, rate limits). Retryable, after `retryAfterMs`. */
export class ThrottledError extends AmkoFedError {
  readonly code = ErrorCode.Throttled;
  readonly retryable = true;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: ThrottledErrorOptions = {}) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}
