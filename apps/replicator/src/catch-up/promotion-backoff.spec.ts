import { describe, expect, it } from 'vitest';
import {
  decidePromotion,
  evolvePromotion,
  INITIAL_PROMOTION_STATE,
  promotionGapMs,
  promotionPolicy,
  type PromotionDecision,
  type PromotionEvent,
  type PromotionPolicy,
  type PromotionState,
} from './promotion-backoff.ts';

// RETRY_BASE 500ms, RETRY_CAP 5m, KUBE_REQUEST_TIMEOUT 10s: gaps 0.5 s, 1 s, 2 s … 300 s; window 21 s.
const policy: PromotionPolicy = promotionPolicy({ retryBaseMs: 500, retryCapMs: 300_000, requestTimeoutMs: 10_000 });

const down = (at: number): PromotionEvent => ({ type: 'unavailable', at });
const promoted = (at: number): PromotionEvent => ({ type: 'promoted', at });
const replay = (events: readonly PromotionEvent[]): PromotionState => events.reduce((state, event) => evolvePromotion(state, event, policy), INITIAL_PROMOTION_STATE);
/** n promotions, each followed 10 ms later by a failure, `gap` apart, starting at 0. */
const failingPromotions = (n: number, gap = (_i: number) => 1_000): PromotionEvent[] => {
  const events: PromotionEvent[] = [down(0)];
  let at = 0;
  for (let i = 0; i < n; i += 1) {
    at += i === 0 ? 1_000 : gap(i);
    events.push(promoted(at), down(at + 10));
  }
  return events;
};

interface Case {
  readonly given: string;
  readonly events: readonly PromotionEvent[];
  readonly when: number;
  readonly then: PromotionDecision;
}

const cases: Case[] = [
  { given: 'a first failure (a follower back from an outage)', events: [down(0)], when: 1_000, then: { type: 'promote' } },
  { given: 'more failures before any promotion', events: [down(0), down(300), down(900)], when: 1_000, then: { type: 'promote' } },
  { given: 'one promotion followed by a failure', events: failingPromotions(1), when: 1_400, then: { type: 'wait', until: 1_500 } },
  { given: 'one promotion followed by a failure, RETRY_BASE later', events: failingPromotions(1), when: 1_500, then: { type: 'promote' } },
  { given: 'two failed promotions', events: failingPromotions(2), when: 2_500, then: { type: 'wait', until: 3_000 } },
  { given: 'three failed promotions', events: failingPromotions(3, (i) => 500 * 2 ** (i - 1)), when: 3_000, then: { type: 'wait', until: 4_500 } },
  { given: 'ten failed promotions (the gap reaches RETRY_CAP)', events: failingPromotions(10, (i) => 500 * 2 ** (i - 1)), when: 256_000, then: { type: 'wait', until: 256_500 + 256_000 } },
  { given: 'twenty failed promotions', events: failingPromotions(20, (i) => Math.min(300_000, 500 * 2 ** (i - 1))), when: 3_300_000, then: { type: 'wait', until: 3_212_500 + 300_000 } },
  {
    given: 'several failures after one promotion (they count once)',
    events: [...failingPromotions(1), down(1_200), down(1_300)],
    when: 1_500,
    then: { type: 'promote' },
  },
  {
    given: 'a promotion and then a failure later than the follow window (a new problem)',
    events: [...failingPromotions(5, (i) => 500 * 2 ** (i - 1)), promoted(20_000), down(20_000 + 21_001)],
    when: 41_002,
    then: { type: 'promote' },
  },
  {
    given: 'a promotion and then a failure just inside the follow window (still the same episode)',
    events: [down(0), promoted(1_000), down(1_000 + 21_000), promoted(22_100), down(22_110)],
    when: 22_500,
    then: { type: 'wait', until: 22_100 + 1_000 },
  },
  {
    given: 'a failed promotion, and the follower silent (probes failing) for an hour',
    events: [...failingPromotions(8, (i) => 500 * 2 ** (i - 1))],
    when: 3_600_000,
    then: { type: 'promote' },
  },
];

describe('decidePromotion', () => {
  describe.each(cases)('given $given', ({ events, when, then }) => {
    it(`when the follower answers at ${when} ms, then ${then.type}`, () => {
      expect(decidePromotion(replay(events), when, policy)).toEqual(then);
    });
  });
});

describe('evolvePromotion', () => {
  describe('when a promotion is followed by failures', () => {
    it('counts one failed promotion per promotion', () => {
      expect(replay([down(0), promoted(1_000), down(1_010), down(1_020), down(1_030)])).toEqual({ failedPromotions: 1, lastPromotionAt: 1_000, failedSincePromotion: true });
    });
  });

  describe('when a failure comes later than the follow window after the last promotion', () => {
    it('starts a new episode', () => {
      expect(replay([...failingPromotions(6), promoted(30_000), down(30_000 + policy.followWindowMs + 1)])).toEqual(INITIAL_PROMOTION_STATE);
    });
  });

  describe('when nothing was promoted yet', () => {
    it('stays in the initial state', () => {
      expect(replay([down(0), down(5_000), down(500_000)])).toEqual(INITIAL_PROMOTION_STATE);
    });
  });
});

describe('promotionGapMs', () => {
  it.each([
    [0, 0],
    [1, 500],
    [2, 1_000],
    [5, 8_000],
    [10, 256_000],
    [11, 300_000],
    [2_000, 300_000],
  ])('after %i failed promotions is %i ms', (failed, gap) => {
    expect(promotionGapMs(failed, policy)).toBe(gap);
  });
});

describe('promotions of a follower that lists fine but fails every write', () => {
  describe('when it answers a probe every second for an hour', () => {
    it('promotes no more often than the ceiling schedule of a job of its own retries', () => {
      // The catch-up shell: answer every second; promote when allowed; the promoted job fails at once.
      let state = replay([down(0)]);
      const promotions: number[] = [];
      for (let now = 1_000; now <= 3_600_000; now += 1_000) {
        if (decidePromotion(state, now, policy).type !== 'promote') continue;
        promotions.push(now);
        state = evolvePromotion(evolvePromotion(state, promoted(now), policy), down(now + 20), policy);
      }
      // A job's own retries at their ceiling: 0.5 s, 1 s, 2 s … capped at 300 s.
      const ownRetries: number[] = [];
      for (let at = 0, k = 1; ; k += 1) {
        at += Math.min(300_000, 500 * 2 ** (k - 1));
        if (at > 3_600_000) break;
        ownRetries.push(at);
      }
      expect(promotions.length).toBeLessThanOrEqual(ownRetries.length + 1);
      for (const [i, at] of promotions.entries()) expect(at - (promotions[i - 1] ?? at)).toBeGreaterThanOrEqual(promotionGapMs(i, policy));
    });
  });
});
