import { AmkoFedError } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

/** 409 (resourceVersion conflict, AlreadyExists) or 410 Gone: re-read and re-plan. Retryable. */
export class ConflictError extends AmkoFedError {
  readonly code = ErrorCode.Conflict;
  readonly retryable = true;
}
