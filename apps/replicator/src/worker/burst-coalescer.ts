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
 * "Overlapped" (see `overlapped`): the change was logged before the apply sent its write, or the
 * object changed twice or more since the applied seq. One change logged after the write was sent
 * may be a reaction to it (a writer that waits until the followers hold its last change, then
 * writes again): it is applied at once, like any first change. Both durations are measured on one
 * clock each (Redis's for the change, this process's for the write), so no two hosts' clocks are
 * compared. A leader that changes an object only after the previous change was applied never
 * waits. The state is per process (a job picked up by another replica simply is not deferred). The
 * quiet period is measured from the change time on the watcher's clock: clock skew between hosts
 * only shifts the quiet period of a burst, and MAX_DEFER_MS bounds it.
 */
import type { LatestChange } from '@amko-fed/queue';

/** How long an object must be unchanged before the deferred apply of a burst runs. */
export const QUIET_MS = 50;
/** Longest a burst may defer an apply (bounds staleness under a continuous stream). */
export const MAX_DEFER_MS = 1_000;

/** What the result record of one apply learnt about the object's newer changes. */
export interface AppliedChange {
  /** The seq the apply converged the follower to. */
  readonly appliedSeq: number;
  /** The projection's seq once the apply finished. */
  readonly latestSeq: number;
  /** How the change to `latestSeq` came about; undefined when unknown (then it counts as overlapping). */
  readonly latestChange?: LatestChange;
  /** How long before the result was recorded the apply sent its write (or, when it wrote nothing, found the follower up to date). */
  readonly writeSentAgoMs: number;
}

/** Did the object change while it was being applied (a burst), rather than after, or not at all? */
export function overlapped(applied: AppliedChange): boolean {
  if (applied.latestSeq <= applied.appliedSeq) return false;
  const change = applied.latestChange;
  if (change === undefined) return true;
  if (change.previousSeq > applied.appliedSeq) return true;
  // Logged no later than the write was sent (each side rounds to the millisecond: ties overlap).
  return change.agoMs >= applied.writeSentAgoMs;
}

export interface BurstCoalescer {
  /** After an apply: remembers whether the object is in a burst. */
  noteApplied(objectKey: string, applied: AppliedChange, nowMs: number): void;
  /** Before an apply: milliseconds to wait (0: apply now). `changedAtMs` is the last change's time. */
  deferFor(objectKey: string, changedAtMs: number, nowMs: number): number;
  /** Whether the object is in a burst now (its next apply may be deferred, so it needs the projection first). */
  inBurst(objectKey: string): boolean;
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
    noteApplied(objectKey, applied, nowMs) {
      if (overlapped(applied)) bursts.set(objectKey, nowMs);
      else bursts.delete(objectKey);
    },
    deferFor(objectKey, changedAtMs, nowMs) {
      const since = bursts.get(objectKey);
      if (since === undefined) return 0;
      const until = Math.min(changedAtMs + quietMs, since + maxDeferMs);
      return until > nowMs ? Math.ceil(until - nowMs) : 0;
    },
    inBurst: (objectKey) => bursts.has(objectKey),
    get size() {
      return bursts.size;
    },
  };
}
