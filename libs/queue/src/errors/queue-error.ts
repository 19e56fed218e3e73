/**
 * Base of every error this library throws: a stable `code` for callers to branch on, the
 * underlying `cause`, and whether retrying the same operation can succeed (`terminal`).
 * Messages never contain secrets (Redis passwords are redacted before they get here).
 */
export abstract class QueueError extends Error {
  abstract readonly code: string;
  /** True when retrying the same input can never succeed (BullMQ's `UnrecoverableError` at the boundary). */
  abstract readonly terminal: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
