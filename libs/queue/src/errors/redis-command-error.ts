import { QueueError } from './queue-error.ts';

/** A Redis command or script failed (connection lost, timeout, script error). Retryable. */
export class RedisCommandError extends QueueError {
  readonly code = 'REDIS_COMMAND_FAILED';
  readonly terminal = false;
  /** The operation that failed, e.g. `appendEvent`. */
  readonly operation: string;

  constructor(operation: string, options?: { cause?: unknown }) {
    const detail = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`Redis operation ${operation} failed${detail}`, options);
    this.operation = operation;
  }
}
