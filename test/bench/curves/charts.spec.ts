import { describe, expect, it } from 'vitest';
import { curveCharts, renderSvg } from './charts.ts';
import type { PointResult } from './point-result.ts';

function point(followers: number, objects: number, initialSyncMs: number): PointResult {
  const copies = followers * objects;
  return {
    followers, objects, copies, initialSyncMs, appliesPerS: copies / (initialSyncMs / 1000), newFollowerSyncMs: 300,
    resync: { watcherMs: 40, wallMs: 140, jobs: 0 }, latency: { p50: 7, p99: 55, writes: 30, lost: 0 },
    rss: { watcherMb: 150, replicatorMb: 148 }, redisUsedBytes: 3 * 1024 * 1024, load: { before: 1, after: 1.2 }, seconds: 6,
  };
}

const results = [point(1, 100, 1_000), point(10, 100, 2_000), point(10, 1_000, 12_345)];

describe('curveCharts', () => {
  describe('when points were measured', () => {
    it('gives one chart per figure group, each an SVG file', () => {
      expect(curveCharts(results, 'machine').map((c) => c.file)).toEqual(['curves-latency.svg', 'curves-sync.svg', 'curves-memory.svg', 'curves-throughput.svg']);
    });

    it('plots every point of a measure, in seconds, with the machine as subtitle', () => {
      const sync = curveCharts(results, '2 CPUs, load 1.2').find((c) => c.file === 'curves-sync.svg')?.spec as unknown as { data: { values: Record<string, unknown>[] }; title: unknown };
      const initial = sync.data.values.filter((v) => v['measure'] === 'initial sync (all followers)');
      expect(initial.map((v) => [v['followers'], v['objects'], v['s']])).toEqual([[1, '100 objects', 1], [10, '100 objects', 2], [10, '1,000 objects', 12.345]]);
      expect(sync.title).toEqual({ text: 'Sync times', subtitle: '2 CPUs, load 1.2' });
    });

    it('gives p50 and p99 their own panel, in that order', () => {
      const chart = curveCharts(results, '').find((c) => c.file === 'curves-latency.svg')?.spec as unknown as { data: { values: Record<string, unknown>[] }; facet: { column: { field: string; sort: string[] } } };
      expect(chart.facet.column.sort).toEqual(['p50', 'p99 (slowest of 30)']);
      expect(chart.data.values.filter((v) => v[chart.facet.column.field] === 'p50').map((v) => v['ms'])).toEqual([7, 7, 7]);
    });
  });
});

describe('renderSvg', () => {
  it('renders a chart to an SVG document holding its title and axis titles', async () => {
    const chart = curveCharts(results, 'subtitle').find((c) => c.file === 'curves-throughput.svg');
    if (chart === undefined) throw new Error('curveCharts gave no curves-throughput.svg');
    const svg = await renderSvg(chart.spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Initial sync: follower applies per second');
    expect(svg).toContain('applies/s');
  });
});
