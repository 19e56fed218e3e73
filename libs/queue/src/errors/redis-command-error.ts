import { AmkoFedError, ErrorCode, type AmkoFedErrorOptions } from '@amko-fed/domain';

/** A Redis command or script failed (connection lost, timeout, script error). Retryable. */
export class RedisCommandError extends AmkoFedError {
  readonly code = ErrorCode.RedisCommandFailed;
  readonly retryable = true;
  /** The operation that failed, e.g. `appendEvent`. */
  readonly operation: string;

  constructor(operation: string, options: AmkoFedErrorOptions = {}) {
    const detail = options.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`Redis operation ${operation} failed${detail}`, options);
    this.operation = operation;
  }
}
