import { AmkoFedError, type ErrorCode } from '@amko-fed/domain';

/**
 * What a worker throws to BullMQ for a failed attempt that may be retried: the classified code, a
 * secret-free message (stored as the job's failedReason and shown on the board) and, for 429, the
 * server's Retry-After, which `cappedJitterBackoffStrategy` honours as the minimum delay. Retryable
 * by construction (terminal failures become BullMQ's `UnrecoverableError` instead). It carries no
 * `cause`: the underlying error's message may hold a credential, this one is redacted.
 */
export class AttemptFailedError extends AmkoFedError {
  /** The code of the underlying error (e.g. UNAVAILABLE, THROTTLED, CONFLICT, UNEXPECTED). */
  readonly code: ErrorCode;
  readonly retryable = true;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, retryAfterMs: number | undefined) {
    super(message);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}
