import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './map-concurrent.ts';

describe('mapConcurrent', () => {
  describe('when there are more items than the limit', () => {
    it('keeps at most `limit` calls in flight and returns results in input order', async () => {
      let inFlight = 0;
      let most = 0;
      const results = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, n));
        inFlight -= 1;
        return n * 10;
      });
      expect(results).toEqual([50, 10, 40, 20, 30]);
      expect(most).toBe(2);
    });
  });

  describe('when there are no items', () => {
    it('returns an empty list', async () => {
      expect(await mapConcurrent([], 4, async (n: number) => n)).toEqual([]);
    });
  });
});
