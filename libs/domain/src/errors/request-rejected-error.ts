import { AmkoFedError } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

/** Any other 3xx/4xx that retrying cannot fix (405, 413, 415, …). Terminal. */
export class RequestRejectedError extends AmkoFedError {
  readonly code = ErrorCode.RequestRejected;
  readonly retryable = false;
}
