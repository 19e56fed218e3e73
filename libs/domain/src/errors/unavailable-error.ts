import { AmkoFedError, type AmkoFedErrorOptions } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

export interface UnavailableErrorOptions extends AmkoFedErrorOptions {
  /** The HTTP status when there was a response (5xx, 408); undefined for network errors and timeouts. */
  readonly status?: number | undefined;
}

/** The cluster could not be reached or did not answer properly: network errors, timeouts, 5xx, 408. Retryable. */
export class UnavailableError extends AmkoFedError {
  readonly code = ErrorCode.Unavailable;
  readonly retryable = true;
  readonly status: number | undefined;

  constructor(message: string, options: UnavailableErrorOptions = {}) {
    super(message, options);
    this.status = options.status;
  }
}
