import { AmkoFedError } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

/** A job payload, record or object that does not have the expected shape. Terminal: retrying the same bytes cannot help. */
export class InvalidPayloadError extends AmkoFedError {
  readonly code = ErrorCode.InvalidPayload;
  readonly retryable = false;
}
