/**
 * What a worker throws to BullMQ for a failed attempt that may be retried: the classified code, a
 * secret-free message (stored as the job's failedReason and shown on the board) and, for 429, the
 * server's Retry-After, which `cappedJitterBackoffStrategy` honours as the minimum delay.
 */
export class AttemptFailedError extends Error {
  /** The code of the underlying error (e.g. UNAVAILABLE, THROTTLED, CONFLICT). */
  readonly code: string;
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, retryAfterMs: number | undefined) {
    super(message);
    this.name = 'AttemptFailedError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}
