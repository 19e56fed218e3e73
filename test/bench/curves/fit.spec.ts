import { describe, expect, it } from 'vitest';
import { describeFit, formatNumber, leastSquares } from './fit.ts';

describe('leastSquares', () => {
  describe('when the points lie on a line', () => {
    it('recovers its intercept and slope with R² 1', () => {
      // initial sync = 800 ms + 1.25 ms per copy, copies from 100 to 100,000
      const fit = leastSquares([100, 1_000, 5_000, 10_000, 100_000].map((copies) => ({ x: [copies], y: 800 + 1.25 * copies })));
      expect(fit?.coefficients[0]).toBeCloseTo(800, 6);
      expect(fit?.coefficients[1]).toBeCloseTo(1.25, 9);
      expect(fit?.r2).toBeCloseTo(1, 9);
      expect(fit?.n).toBe(5);
    });
  });

  describe('when the points lie on a plane of followers and objects', () => {
    it('recovers a slope per regressor', () => {
      // RSS = 120 MB + 0.05 MB per follower + 0.002 MB per object
      const grid = [[1, 100], [1, 1_000], [10, 100], [10, 10_000], [50, 1_000], [100, 100]] as const;
      const fit = leastSquares(grid.map(([f, o]) => ({ x: [f, o], y: 120 + 0.05 * f + 0.002 * o })));
      expect(fit?.coefficients[0]).toBeCloseTo(120, 6);
      expect(fit?.coefficients[1]).toBeCloseTo(0.05, 9);
      expect(fit?.coefficients[2]).toBeCloseTo(0.002, 9);
    });
  });

  describe('when the points scatter around a line', () => {
    it('gives the least-squares line and an R² below 1', () => {
      // y = 2x ± 1: the fit of (0,1) (1,1) (2,5) (3,5) is y = 0.6 + 1.6x
      const fit = leastSquares([[0, 1], [1, 1], [2, 5], [3, 5]].map(([x, y]) => ({ x: [x ?? 0], y: y ?? 0 })));
      expect(fit?.coefficients[0]).toBeCloseTo(0.6, 9);
      expect(fit?.coefficients[1]).toBeCloseTo(1.6, 9);
      expect(fit?.r2).toBeCloseTo(0.8, 9);
    });
  });

  describe('when a value is not finite', () => {
    it('leaves that point out', () => {
      const fit = leastSquares([{ x: [1], y: 3 }, { x: [2], y: Number.NaN }, { x: [3], y: 7 }, { x: [4], y: 9 }]);
      expect(fit?.n).toBe(3);
      expect(fit?.coefficients[1]).toBeCloseTo(2, 9);
    });
  });

  describe('when no slope can be told apart', () => {
    it.each([
      ['too few points', [{ x: [1], y: 1 }, { x: [2], y: 2 }]],
      ['a regressor that does not vary', [{ x: [5], y: 1 }, { x: [5], y: 2 }, { x: [5], y: 3 }]],
      ['two regressors that move together', [{ x: [1, 2], y: 1 }, { x: [2, 4], y: 2 }, { x: [3, 6], y: 3 }, { x: [4, 8], y: 5 }]],
      ['no regressor', [{ x: [], y: 1 }, { x: [], y: 2 }]],
    ])('gives undefined for %s', (_, observations) => {
      expect(leastSquares(observations)).toBeUndefined();
    });
  });
});

describe('describeFit', () => {
  describe('when there is a fit', () => {
    it('prints the intercept, each slope in its unit and the quality', () => {
      const fit = { coefficients: [120.4, 0.05, 0.002], r2: 0.98765, n: 8 };
      expect(describeFit('watcher RSS peak', 'MB', [{ per: 'follower', unit: 'KB', factor: 1024 }, { per: 'object', unit: 'KB', factor: 1024 }], fit))
        .toBe('watcher RSS peak ≈ 120 MB + 51.2 KB per follower + 2.05 KB per object (R² 0.988, 8 points)');
    });

    it('prints a negative slope with a minus sign', () => {
      expect(describeFit('latency p50', 'ms', [{ per: 'follower', unit: 'ms' }], { coefficients: [12, -0.25], r2: 0.5, n: 4 })).toBe('latency p50 ≈ 12.0 ms − 0.25 ms per follower (R² 0.500, 4 points)');
    });
  });

  describe('when there is none', () => {
    it('says so', () => {
      expect(describeFit('initial sync', 'ms', [{ per: 'copy', unit: 'ms' }], undefined)).toBe('initial sync: not enough distinct points to fit');
    });
  });
});

describe('formatNumber', () => {
  it.each([
    [123_456.7, '123,457'],
    [42.25, '42.3'],
    [4.2, '4.20'],
    [0.0123, '0.012'],
    [0, '0'],
    [Number.NaN, 'n/a'],
  ])('prints %d as %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });
});
