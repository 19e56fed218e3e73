import { AmkoFedError } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

/**
 * 404 where an object, namespace or CRD was expected. Retryable: it appeared or vanished under us,
 * and a re-plan from the current state resolves it (a 404 on delete is success, not this error).
 */
export class NotFoundError extends AmkoFedError {
  readonly code = ErrorCode.NotFound;
  readonly retryable = true;
}
