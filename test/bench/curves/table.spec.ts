import { describe, expect, it } from 'vitest';
import type { PointResult } from './point-result.ts';
import { curvesTable, estimate, fittedCosts, markdownTable } from './table.ts';

/** A point whose costs follow known lines, so that the fitted costs are known too. */
function point(followers: number, objects: number): PointResult {
  const copies = followers * objects;
  return {
    followers,
    objects,
    copies,
    initialSyncMs: 500 + 2 * copies,
    appliesPerS: copies / ((500 + 2 * copies) / 1000),
    newFollowerSyncMs: 200 + 1.5 * objects + 3 * followers,
    resync: { watcherMs: 20 + 0.01 * copies, wallMs: 120 + 0.01 * copies, jobs: 0 },
    latency: { p50: 6 + 0.5 * followers, p99: 40 + 2 * followers, writes: 30, lost: 0 },
    rss: { watcherMb: 150 + 0.1 * followers + 0.01 * objects, replicatorMb: 140 + 0.5 * followers },
    redisUsedBytes: 1_000_000 + 1_500 * objects + 200 * copies + 1_200 * followers * Math.min(objects, 1_000),
    load: { before: 1.5, after: 1.25 },
    seconds: 5 + copies / 1000,
  };
}

describe('markdownTable', () => {
  it('pads the cells and right-aligns every column after the left ones', () => {
    expect(markdownTable(['name', 'n'], [['a', '1'], ['bb', '100']], 1)).toEqual([
      '| name |   n |',
      '|------|----:|',
      '| a    |   1 |',
      '| bb   | 100 |',
    ]);
  });
});

describe('curvesTable', () => {
  describe('when two points were measured', () => {
    it('prints one row per point with every figure in its unit', () => {
      const lines = curvesTable([point(1, 100), point(10, 1_000)]);
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatch(/^\| followers \| objects \| copies \| initial sync s \| applies\/s \|/);
      const cells = (lines[3] ?? '').split('|').map((c) => c.trim()).filter((c) => c !== '');
      expect(cells).toEqual(['10', '1,000', '10,000', '20.50', '488', '1.73', '0.12 / 0.22', '0', '11.0', '60.0', '161', '145', '15.7', '1.50 / 1.25', '15']);
    });
  });

  describe('when latency writes were lost', () => {
    it('says how many beside the p99', () => {
      const lost = { ...point(1, 100), latency: { p50: 5, p99: 9, writes: 28, lost: 2 } };
      expect(curvesTable([lost])[2]).toContain('9.0 (2 lost)');
    });
  });
});

describe('fittedCosts', () => {
  describe('when the points follow lines', () => {
    it('gives back each line\'s intercept and slopes per copy, object and follower', () => {
      const grid = [[1, 100], [1, 1_000], [10, 100], [1, 10_000], [10, 1_000], [50, 100], [100, 100], [50, 1_000], [10, 10_000]] as const;
      const lines = fittedCosts(grid.map(([f, o]) => point(f, o)));
      expect(lines).toContain('initial sync ≈ 500 ms + 2,000 ms per 1,000 copies + 0 ms per follower (R² 1.000, 9 points)');
      expect(lines).toContain('new follower sync ≈ 200 ms + 1,500 ms per 1,000 objects + 3.00 ms per follower already there (R² 1.000, 9 points)');
      expect(lines).toContain('latency p50 ≈ 6.00 ms + 0.50 ms per follower + 0 ms per 1,000 objects (R² 1.000, 9 points)');
      expect(lines).toContain('watcher RSS peak ≈ 150 MB + 102 KB per follower + 10.2 KB per object (R² 1.000, 9 points)');
      expect(lines).toContain('Redis used_memory ≈ 1,000,000 bytes + 1,500 bytes per object + 200 bytes per copy + 1,200 bytes per completed job kept (R² 1.000, 9 points)');
    });
  });

  describe('when there are too few points', () => {
    it('says that a cost cannot be fitted instead of inventing a slope', () => {
      expect(fittedCosts([point(1, 100)])).toContain('initial sync: not enough distinct points to fit');
    });
  });
});

describe('estimate', () => {
  const grid = [[1, 100], [1, 1_000], [10, 100], [1, 10_000], [10, 1_000], [50, 100]] as const;
  const results = grid.map(([f, o]) => point(f, o));

  describe('when the cost can be fitted', () => {
    it('predicts it at a point that was not measured', () => {
      // 50 × 10,000 = 500,000 copies: 500 ms + 2 ms per copy
      expect(estimate(results, 'initial sync', { followers: 50, objects: 10_000 })).toBeCloseTo(1_000_500, 3);
      expect(estimate(results, 'point wall time', { followers: 100, objects: 10_000 })).toBeCloseTo(1_005_000, 3);
    });
  });

  describe('when it cannot', () => {
    it('gives NaN', () => {
      expect(estimate(results.slice(0, 1), 'initial sync', { followers: 50, objects: 10_000 })).toBeNaN();
      expect(estimate(results, 'no such cost', { followers: 50, objects: 10_000 })).toBeNaN();
    });
  });
});
