/**
 * Burst coalescing per (follower, object) (ARCHITECTURE §7: a burst of 100 updates to one object
 * costs ≤ 3 applies per follower). Deduplication already keeps one active and one waiting job, but
 * during a long burst every finished apply releases the next one, so a follower would see one
 * apply per apply duration. Here:
 *   - the first change of an object is applied at once (the leading edge keeps latency low);
 *   - if the object changed again while it was being applied (events overlapped the apply: a
 *     burst), the next job waits until the object has been quiet for QUIET_MS (a trailing-edge
 *     debounce), so the rest of the burst costs one more apply;
 *   - so does a change made less than QUIET_MS after the change last applied: changes that follow
 *     each other faster than that are a burst even when each apply happened to finish before the
 *     next change arrived (on a slow or busy leader, the API round trips space the changes out);
 *   - a continuous stream still gets an apply at least every MAX_DEFER_MS.
 * A leader that changes an object at most every QUIET_MS, each change after the previous one was
 * applied, never waits. The
 * state is per process (a job picked up by another replica simply is not deferred). The change time
 * comes from the watcher's clock: clock skew between hosts only shifts the quiet period of a burst,
 * and MAX_DEFER_MS bounds it.
 */

/** How long an object must be unchanged before the deferred apply of a burst runs. */
export const QUIET_MS = 50;
/** Longest a burst may defer an apply (bounds staleness under a continuous stream). */
export const MAX_DEFER_MS = 1_000;
/** Applied-change times kept before the old ones are dropped. */
const FORGET_ABOVE = 1_000;

export interface BurstCoalescer {
  /**
   * After an apply of `appliedSeq`: `latestSeq` is the projection's seq once the apply finished,
   * `appliedChangedAtMs` the time of the change that was applied (when known).
   */
  noteApplied(objectKey: string, appliedSeq: number, latestSeq: number, nowMs: number, appliedChangedAtMs?: number): void;
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
  /** objectKey → time of the change last applied, kept while a next change could follow within quietMs. */
  const applied = new Map<string, number>();
  let prunedAtMs = 0;

  /**
   * Drops the applied-change times too old to start a burst, at most once per quiet + defer period,
   * so the map holds about the objects changed recently.
   */
  function forgetOldChanges(nowMs: number): void {
    if (applied.size < FORGET_ABOVE || nowMs - prunedAtMs < quietMs + maxDeferMs) return;
    prunedAtMs = nowMs;
    for (const [key, at] of applied) if (nowMs - at > quietMs + maxDeferMs) applied.delete(key);
  }

  /** The change at `changedAtMs` follows the change last applied within the quiet period. */
  function followsQuickly(objectKey: string, changedAtMs: number): boolean {
    const previous = applied.get(objectKey);
    return previous !== undefined && changedAtMs > previous && changedAtMs - previous < quietMs;
  }

  return {
    noteApplied(objectKey, appliedSeq, latestSeq, nowMs, appliedChangedAtMs) {
      if (latestSeq > appliedSeq) bursts.set(objectKey, nowMs);
      else bursts.delete(objectKey);
      if (appliedChangedAtMs !== undefined) {
        applied.set(objectKey, appliedChangedAtMs);
        forgetOldChanges(nowMs);
      }
    },
    deferFor(objectKey, changedAtMs, nowMs) {
      let since = bursts.get(objectKey);
      if (since === undefined) {
        if (!followsQuickly(objectKey, changedAtMs)) return 0;
        since = nowMs;
        bursts.set(objectKey, since);
      }
      const until = Math.min(changedAtMs + quietMs, since + maxDeferMs);
      return until > nowMs ? Math.ceil(until - nowMs) : 0;
    },
    get size() {
      return bursts.size;
    },
  };
}
