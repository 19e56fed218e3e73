/**
 * Retry delays: exponential growth, capped, with full jitter (AWS architecture blog, "Exponential
 * Backoff and Jitter"): delay = random(0, min(cap, base · 2^(attempt−1))), never below a minimum
 * the server asked for (HTTP 429 `Retry-After`).
 */
import type { BackoffStrategy } from 'bullmq';

/** The name of the custom strategy in job options (`backoff: { type: 'capped-jitter' }`). */
export const CAPPED_JITTER_BACKOFF = 'capped-jitter';

export interface CappedJitterOptions {
  /** Delay ceiling of the first retry. @defaultValue 200 */
  readonly baseMs: number;
  /** Largest ceiling, however many attempts were made. @defaultValue 30000 */
  readonly capMs: number;
  /**
   * Lower bound of the result, e.g. from a 429 `Retry-After`. Honoured even when above `capMs`:
   * the server's request wins over our cap.
   * @defaultValue 0
   */
  readonly minDelayMs?: number | undefined;
}

export const DEFAULT_BACKOFF: Readonly<Required<Pick<CappedJitterOptions, 'baseMs' | 'capMs'>>> = {
  baseMs: 200,
  capMs: 30_000,
};

/**
 * The delay before the next attempt, in whole milliseconds.
 *
 * @param attemptsMade - attempts made so far, ≥ 1 (BullMQ passes 1 for the first retry).
 * @param random - a number in [0, 1) (`Math.random` in production; values outside are clamped).
 * @returns an integer in [minDelayMs, max(minDelayMs, min(capMs, baseMs · 2^(attemptsMade−1)))].
 */
export function cappedJitterBackoff(attemptsMade: number, options: CappedJitterOptions, random: () => number): number {
  const attempt = Math.max(1, Math.floor(Number.isFinite(attemptsMade) ? attemptsMade : 1));
  const base = Math.max(0, options.baseMs);
  const cap = Math.max(0, options.capMs);
  const min = Math.max(0, Math.ceil(options.minDelayMs ?? 0));
  // 2^(attempt-1) overflows to Infinity for huge attempts; Math.min with the cap handles that.
  const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  const jittered = Math.floor(r * (ceiling + 1));
  return Math.max(min, Math.min(jittered, Math.floor(ceiling)));
}

/** An error that carries a server-requested minimum delay (set by the replicator on 429). */
export interface RetryAfterCarrier {
  readonly retryAfterMs?: unknown;
}

function retryAfterOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('retryAfterMs' in err)) return undefined;
  const value = (err as RetryAfterCarrier).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** `opts.backoff.delay` of a job, when it is a number (the base set by `followerJobOptions`). */
function jobBaseDelay(job: unknown): number | undefined {
  if (typeof job !== 'object' || job === null || !('opts' in job)) return undefined;
  const backoff = (job as { opts?: { backoff?: unknown } }).opts?.backoff;
  if (typeof backoff !== 'object' || backoff === null || !('delay' in backoff)) return undefined;
  const delay = (backoff as { delay?: unknown }).delay;
  return typeof delay === 'number' && Number.isFinite(delay) && delay >= 0 ? delay : undefined;
}

/**
 * A BullMQ `settings.backoffStrategy` for Workers: `cappedJitterBackoff` with the job's
 * `backoff.delay` as base (else `options.baseMs`), `options.capMs` as cap and `err.retryAfterMs`
 * as the minimum delay. BullMQ calls it only for non-built-in types; every such type is treated
 * as `capped-jitter`.
 */
export function cappedJitterBackoffStrategy(
  options: Partial<Pick<CappedJitterOptions, 'baseMs' | 'capMs'>> = {},
  random: () => number = Math.random,
): BackoffStrategy {
  const settings = { ...DEFAULT_BACKOFF, ...options };
  return (attemptsMade, _type, err, job) =>
    cappedJitterBackoff(
      attemptsMade,
      { baseMs: jobBaseDelay(job) ?? settings.baseMs, capMs: settings.capMs, minDelayMs: retryAfterOf(err) },
      random,
    );
}
