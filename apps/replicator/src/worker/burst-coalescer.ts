/**
 * Burst coalescing per (follower, object) (ARCHITECTURE §7: a burst of 100 updates to one object
 * costs ≤ 3 applies per follower). Deduplication already keeps one active and one waiting job, but
 * during a long burst every finished apply releases the next one, so a follower would see one
 * apply per apply duration. Here:
 *   - the first change of an object is applied at once (the leading edge keeps latency low);
 *   - if the object changed again while it was being applied (events overlapped the apply: a
 *     burst), the next job waits until the object has been quiet for QUIET_MS (a trailing-edge
 *     debounce), so the rest of the burst costs one more apply;
 *   - a continuous stream still gets an apply at least every MAX_DEFER_MS.
 * A leader that changes an object only after the previous change was applied never waits. The
 * state is per process (a job picked up by another replica simply is not deferred). The change time
 * comes from the watcher's clock: clock skew between hosts only shifts the quiet period of a burst,
 * and MAX_DEFER_MS bounds it.
 */

/** How long an object must be unchanged before the deferred apply of a burst runs. */
export const QUIET_MS = 50;
/** Longest a burst may defer an apply (bounds staleness under a continuous stream). */
export const MAX_DEFER_MS = 1_000;

export interface BurstCoalescer {
  /** After an apply of `appliedSeq`: `latestSeq` is the projection's seq once the apply finished. */
  noteApplied(objectKey: string, appliedSeq: number, latestSeq: number, nowMs: number): void;
  /** Before an apply: milliseconds to wait (0: apply now). `changedAtMs` is the last change's time. */
  deferFor(objectKey: string, changedAtMs: number, nowMs: number): number;
  /** Objects currently in a burst (for tests and diagnostics). */
  readonly size: number;
}

export interface BurstCoalescerOptions {
  readonly quietMs?: number;
  readonly maxDeferMs?: number;
}

export function createBurstCoalescer(options: BurstCoalescerOptions = {}): BurstCoalescer {
  const quietMs = options.quietMs ?? QUIET_MS;
  const maxDeferMs = options.maxDeferMs ?? MAX_DEFER_MS;
  /** objectKey → when its current burst window started. */
  const bursts = new Map<string, number>();

  return {
    noteApplied(objectKey, appliedSeq, latestSeq, nowMs) {
      if (latestSeq > appliedSeq) bursts.set(objectKey, nowMs);
      else bursts.delete(objectKey);
    },
    deferFor(objectKey, changedAtMs, nowMs) {
      const since = bursts.get(objectKey);
      if (since === undefined) return 0;
      const until = Math.min(changedAtMs + quietMs, since + maxDeferMs);
      return until > nowMs ? Math.ceil(until - nowMs) : 0;
    },
    get size() {
      return bursts.size;
    },
  };
}
