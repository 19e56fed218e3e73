import { describe, expect, it } from 'vitest';
import { cappedJitterBackoff, cappedJitterBackoffStrategy } from './backoff.ts';

const opts = { baseMs: 100, capMs: 1_000 };
const fixed = (value: number) => () => value;

describe('cappedJitterBackoff', () => {
  describe('when random is at its extremes', () => {
    // attempt → ceiling: 100, 200, 400, 800, 1000 (capped), 1000 …
    it.each([
      [1, 0, 0],
      [1, 0.999999, 100],
      [2, 0.999999, 200],
      [3, 0.999999, 400],
      [4, 0.999999, 800],
      [5, 0.999999, 1_000],
      [40, 0.999999, 1_000],
      [5_000, 0.999999, 1_000],
    ])('attempt %i with random %d gives %i', (attempt, random, expected) => {
      expect(cappedJitterBackoff(attempt, opts, fixed(random))).toBe(expected);
    });
  });

  describe('when random is in the middle (full jitter)', () => {
    it.each([
      [1, 0.5, 50],
      [3, 0.25, 100],
      [6, 0.5, 500],
    ])('attempt %i with random %d scales the ceiling to %i', (attempt, random, expected) => {
      expect(cappedJitterBackoff(attempt, opts, fixed(random))).toBe(expected);
    });

    it('uses the random input: different inputs give different delays', () => {
      const delays = new Set([0.1, 0.3, 0.6, 0.9].map((r) => cappedJitterBackoff(4, opts, fixed(r))));
      expect(delays.size).toBe(4);
    });

    it('stays within [0, cap] for every attempt and many random values', () => {
      for (let attempt = 1; attempt <= 60; attempt += 1) {
        for (let i = 0; i < 50; i += 1) {
          const delay = cappedJitterBackoff(attempt, opts, fixed(i / 50));
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.min(1_000, 100 * 2 ** (attempt - 1)));
        }
      }
    });
  });

  describe('when a minimum delay is given (429 Retry-After)', () => {
    it.each([
      [1, 0, 300, 300],
      [4, 0.999999, 300, 800],
      [4, 0.1, 300, 300],
      [5, 0.999999, 5_000, 5_000],
    ])('attempt %i, random %d, min %i gives %i', (attempt, random, minDelayMs, expected) => {
      expect(cappedJitterBackoff(attempt, { ...opts, minDelayMs }, fixed(random))).toBe(expected);
    });
  });

  describe('when inputs are out of range', () => {
    it('clamps random values outside [0, 1)', () => {
      expect(cappedJitterBackoff(1, opts, fixed(-3))).toBe(0);
      expect(cappedJitterBackoff(1, opts, fixed(7))).toBe(100);
    });

    it('treats attempts below 1 as the first attempt', () => {
      expect(cappedJitterBackoff(0, opts, fixed(0.999999))).toBe(100);
      expect(cappedJitterBackoff(Number.NaN, opts, fixed(0.999999))).toBe(100);
    });
  });
});

describe('cappedJitterBackoffStrategy', () => {
  describe('when the error carries retryAfterMs', () => {
    it('honours it as the minimum delay', async () => {
      const strategy = cappedJitterBackoffStrategy(opts, fixed(0));
      const err = Object.assign(new Error('429'), { retryAfterMs: 2_500 });
      expect(await strategy(1, 'capped-jitter', err)).toBe(2_500);
    });
  });

  describe('when the error has no usable retryAfterMs', () => {
    it('uses plain capped jitter', async () => {
      const strategy = cappedJitterBackoffStrategy(opts, fixed(0.5));
      expect(await strategy(2, 'capped-jitter', new Error('boom'))).toBe(100);
      expect(await strategy(2, 'capped-jitter', Object.assign(new Error('x'), { retryAfterMs: 'soon' }))).toBe(100);
    });
  });
});

describe('cappedJitterBackoffStrategy with job options', () => {
  describe('when the job carries backoff.delay', () => {
    it('uses it as the base instead of the strategy default', async () => {
      const strategy = cappedJitterBackoffStrategy(opts, fixed(0.999999));
      const job = { opts: { backoff: { type: 'capped-jitter', delay: 10 } } } as never;
      expect(await strategy(3, 'capped-jitter', new Error('x'), job)).toBe(40);
      expect(await strategy(3, 'capped-jitter', new Error('x'))).toBe(400);
    });
  });
});
