import { AmkoFedError } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

/**
 * 401/403 from a member API server. Retryable: credentials in gslb-config-secret or RBAC on the
 * member are fixed without touching the job, and capped backoff keeps retries cheap.
 */
export class ForbiddenError extends AmkoFedError {
  readonly code = ErrorCode.Forbidden;
  readonly retryable = true;
}
