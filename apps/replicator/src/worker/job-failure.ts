/**
 * Turns whatever an attempt threw into (a) what gets recorded in the results store and (b) what
 * BullMQ gets: `UnrecoverableError` for terminal failures (400/422 schema rejection, unknown
 * cluster, invalid payload, fenced leader, or the attempt budget spent), otherwise an
 * AttemptFailedError that carries Retry-After. Every message is redacted before it leaves here.
 * Every error of ours is an AmkoFedError and says itself whether it is retryable (ADR 0007).
 */
import { ErrorCode, FencedLeaderError, isAmkoFedError } from '@amko-fed/domain';
import { UnrecoverableError } from 'bullmq';
import type { Redactor } from '../clusters/secret-redactor.ts';
import { AttemptFailedError } from './errors/attempt-failed-error.ts';

export const FailureOutcome = { failed: 'failed', fenced: 'fenced' } as const;
export type FailureOutcome = (typeof FailureOutcome)[keyof typeof FailureOutcome];

export interface Failure {
  readonly outcome: FailureOutcome;
  /** No retry can succeed (or the attempt budget is spent). */
  readonly terminal: boolean;
  readonly code: ErrorCode;
  /** Secret-free. */
  readonly message: string;
  readonly retryAfterMs: number | undefined;
}

/** Code of errors that are not ours (bugs, unexpected throws); they are presumed retryable. */
export const UNEXPECTED_ERROR_CODE = ErrorCode.Unexpected;

function retryAfterOf(err: unknown): number | undefined {
  const value = (err as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

export interface ClassifyInput {
  readonly error: unknown;
  readonly redact: Redactor;
  /** Attempts made including the failing one. */
  readonly attempt: number;
  /** The replicator's attempt budget (RETRY_ATTEMPTS). */
  readonly maxAttempts: number;
}

export function classifyFailure({ error, redact, attempt, maxAttempts }: ClassifyInput): Failure {
  const ours = isAmkoFedError(error);
  const code = ours ? error.code : UNEXPECTED_ERROR_CODE;
  let terminal = ours && !error.retryable;
  const text = error instanceof Error ? error.message : String(error);
  let message = redact(text);
  if (!terminal && attempt >= maxAttempts) {
    terminal = true;
    message = `gave up after ${attempt} attempts: ${message}`;
  }
  return {
    outcome: error instanceof FencedLeaderError ? FailureOutcome.fenced : FailureOutcome.failed,
    terminal,
    code,
    message,
    retryAfterMs: retryAfterOf(error),
  };
}

/** The error handed to BullMQ (its message becomes the job's failedReason). */
export function toWorkerError(failure: Failure): Error {
  const text = `${failure.code}: ${failure.message}`;
  return failure.terminal ? new UnrecoverableError(text) : new AttemptFailedError(failure.code, text, failure.retryAfterMs);
}
