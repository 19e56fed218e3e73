import { describe, expect, it } from 'vitest';
import { AttemptFailedError } from './errors/attempt-failed-error.ts';
import { replicatorBackoff } from './follower-worker.ts';

const top = () => 0.999999;

describe('replicatorBackoff', () => {
  describe('with jitter at its ceiling', () => {
    it('doubles from RETRY_BASE up to RETRY_CAP', () => {
      const backoff = replicatorBackoff(500, 5_000, top);
      const delays = [1, 2, 3, 4, 5, 6].map((n) => backoff(n, 'capped-jitter', new Error('x')));
      expect(delays).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    });
  });

  describe('with full jitter', () => {
    it('can retry at once', () => {
      expect(replicatorBackoff(500, 5_000, () => 0)(3, 'capped-jitter', new Error('x'))).toBe(0);
    });
  });

  describe('when the server sent Retry-After', () => {
    it('never retries earlier, even above the cap', () => {
      const err = new AttemptFailedError('THROTTLED', 'THROTTLED: slow down', 9_000);
      expect(replicatorBackoff(500, 5_000, () => 0)(1, 'capped-jitter', err)).toBe(9_000);
    });
  });
});
