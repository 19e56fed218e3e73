/**
 * When the delayed jobs of a follower may be promoted (retried now rather than after their own
 * backoff): the pure rule behind catch-up. Promotions of one follower back off like a job does.
 *
 *   - An episode starts with an unavailable failure. Its first promotion is immediate, so a
 *     follower back from an outage catches up at once.
 *   - A promotion followed by another unavailable failure within FOLLOW_WINDOW (the promoted jobs
 *     ran into the same problem) counts as failed. After n failed promotions the next one waits
 *     min(RETRY_CAP, RETRY_BASE·2^(n−1)) after the previous one: the ceiling schedule of a job's
 *     own retries. A follower that lists fine but fails writes therefore costs each job at most one
 *     promoted attempt per step of that schedule, on top of its own retries.
 *   - A failure later than FOLLOW_WINDOW after the last promotion starts a new episode: the
 *     promotion worked, and this is a new problem.
 *
 * Times are milliseconds passed in by the caller; nothing here reads a clock or sets a timer.
 */

export interface PromotionPolicy {
  /** RETRY_BASE: the gap after the first failed promotion. */
  readonly baseMs: number;
  /** RETRY_CAP: the largest gap. */
  readonly capMs: number;
  /** How long after a promotion a failure still counts as following it. */
  readonly followWindowMs: number;
}

export interface PromotionState {
  /** Promotions of this episode that were followed by an unavailable failure. */
  readonly failedPromotions: number;
  /** When the last promotion of this episode happened; undefined before the first. */
  readonly lastPromotionAt: number | undefined;
  /** An unavailable failure was already counted against the last promotion. */
  readonly failedSincePromotion: boolean;
}

export type PromotionEvent =
  /** A job found the follower unavailable. */
  | { readonly type: 'unavailable'; readonly at: number }
  /** The follower's delayed jobs were promoted. */
  | { readonly type: 'promoted'; readonly at: number };

export type PromotionDecision = { readonly type: 'promote' } | { readonly type: 'wait'; readonly until: number };

export const INITIAL_PROMOTION_STATE: PromotionState = { failedPromotions: 0, lastPromotionAt: undefined, failedSincePromotion: false };

/**
 * The policy for the replicator's settings. FOLLOW_WINDOW is two requests' timeouts (the promoted
 * job's GET and write) plus a second for it to get a worker slot: long enough for a promoted job
 * to fail again, much shorter than the gap between unrelated blips.
 */
export function promotionPolicy(input: { readonly retryBaseMs: number; readonly retryCapMs: number; readonly requestTimeoutMs: number }): PromotionPolicy {
  return { baseMs: input.retryBaseMs, capMs: input.retryCapMs, followWindowMs: 2 * input.requestTimeoutMs + 1_000 };
}

/** The least time between a promotion and the next, after `failedPromotions` failed ones. */
export function promotionGapMs(failedPromotions: number, policy: PromotionPolicy): number {
  if (failedPromotions <= 0) return 0;
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failedPromotions - 1, 52));
}

export function evolvePromotion(state: PromotionState, event: PromotionEvent, policy: PromotionPolicy): PromotionState {
  switch (event.type) {
    case 'promoted':
      return { failedPromotions: state.failedPromotions, lastPromotionAt: event.at, failedSincePromotion: false };
    case 'unavailable': {
      if (state.lastPromotionAt === undefined || state.failedSincePromotion) return state;
      if (event.at - state.lastPromotionAt > policy.followWindowMs) return INITIAL_PROMOTION_STATE;
      return { failedPromotions: state.failedPromotions + 1, lastPromotionAt: state.lastPromotionAt, failedSincePromotion: true };
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** Whether the follower's delayed jobs may be promoted at `now` (it answered), or from when. */
export function decidePromotion(state: PromotionState, now: number, policy: PromotionPolicy): PromotionDecision {
  if (state.lastPromotionAt === undefined) return { type: 'promote' };
  const until = state.lastPromotionAt + promotionGapMs(state.failedPromotions, policy);
  return until <= now ? { type: 'promote' } : { type: 'wait', until };
}
