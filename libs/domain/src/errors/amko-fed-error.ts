import type { ErrorCode } from './error-code.ts';

export interface AmkoFedErrorOptions {
  /** The underlying error (kept as `Error.cause`). Never put credentials in it. */
  readonly cause?: unknown;
}

/**
 * The one root of every error this system raises, in every library and app (ADR 0007): `code` is
 * stable (one per class, listed in `ErrorCode`); `retryable` says whether trying the same
 * operation again later can succeed (network, 409, 429, 5xx, timeouts, Redis unavailable) or not
 * (schema rejection, unknown cluster, invalid payload or record, fencing). Terminal errors become
 * BullMQ's `UnrecoverableError` at the queue boundary. Errors of third-party clients
 * (`@kubernetes/client-node`, BullMQ, ioredis) stay theirs and are wrapped where they enter.
 */
export abstract class AmkoFedError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly retryable: boolean;

  constructor(message: string, options: AmkoFedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

export function isAmkoFedError(err: unknown): err is AmkoFedError {
  return err instanceof AmkoFedError;
}

/**
 * Whether a failure is worth retrying. Our own errors say so themselves; anything else (socket
 * resets, DNS failures, bugs) is presumed transient, since the queue caps attempts and backs off.
 */
export function isRetryable(err: unknown): boolean {
  return isAmkoFedError(err) ? err.retryable : true;
}
