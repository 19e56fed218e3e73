/**
 * The cost curves as text: one Markdown table row per grid point (printed by the bench and pasted
 * as is into docs/benchmarks.md), and the fitted costs per follower, object and copy. Pure.
 */
import { describeFit, leastSquares, type Observation, type Term } from './fit.ts';
import type { PointResult } from './point-result.ts';

/** A Markdown table; columns after the first `leftColumns` are right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 0): string[] {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${header.map((_, i) => (i < leftColumns ? (cells[i] ?? '').padEnd(widths[i] ?? 0) : (cells[i] ?? '').padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < leftColumns ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)];
}

const fixed = (digits: number) => (value: number): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const int = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const s = fixed(2);
const ms1 = fixed(1);
const mb = fixed(0);

export const CURVES_HEADER = [
  'followers', 'objects', 'copies', 'initial sync s', 'applies/s', 'new follower s', 'resync s (watcher / wall)', 'resync jobs',
  'latency p50 ms', 'latency p99 ms', 'watcher RSS MB', 'replicator RSS MB', 'Redis used MB', 'load before / after', 'point s',
] as const;

export function curvesRow(r: PointResult): string[] {
  return [
    int(r.followers), int(r.objects), int(r.copies), s(r.initialSyncMs / 1000), int(r.appliesPerS), s(r.newFollowerSyncMs / 1000),
    `${s(r.resync.watcherMs / 1000)} / ${s(r.resync.wallMs / 1000)}`, int(r.resync.jobs),
    ms1(r.latency.p50), `${ms1(r.latency.p99)}${r.latency.lost > 0 ? ` (${r.latency.lost} lost)` : ''}`,
    mb(r.rss.watcherMb), mb(r.rss.replicatorMb), fixed(1)(r.redisUsedBytes / 1024 / 1024),
    `${fixed(2)(r.load.before)} / ${fixed(2)(r.load.after)}`, int(r.seconds),
  ];
}

/** The table of every point, smallest first as measured. */
export function curvesTable(results: readonly PointResult[]): string[] {
  return markdownTable(CURVES_HEADER, results.map(curvesRow));
}

export interface FittedCost {
  readonly label: string;
  readonly unit: string;
  readonly terms: readonly Term[];
  readonly observe: (r: PointResult) => Observation;
}

/** What the figures are fitted against: the regressors each cost is expected to grow with. */
export const FITTED_COSTS: readonly FittedCost[] = [
  { label: 'initial sync', unit: 'ms', terms: [{ per: '1,000 copies', unit: 'ms', factor: 1_000 }, { per: 'follower', unit: 'ms' }], observe: (r) => ({ x: [r.copies, r.followers], y: r.initialSyncMs }) },
  { label: 'new follower sync', unit: 'ms', terms: [{ per: '1,000 objects', unit: 'ms', factor: 1_000 }, { per: 'follower already there', unit: 'ms' }], observe: (r) => ({ x: [r.objects, r.followers], y: r.newFollowerSyncMs }) },
  { label: 'steady-state resync (watcher)', unit: 'ms', terms: [{ per: '1,000 copies', unit: 'ms', factor: 1_000 }, { per: 'follower', unit: 'ms' }], observe: (r) => ({ x: [r.copies, r.followers], y: r.resync.watcherMs }) },
  { label: 'latency p50', unit: 'ms', terms: [{ per: 'follower', unit: 'ms' }, { per: '1,000 objects', unit: 'ms', factor: 1_000 }], observe: (r) => ({ x: [r.followers, r.objects], y: r.latency.p50 }) },
  { label: 'latency p99', unit: 'ms', terms: [{ per: 'follower', unit: 'ms' }, { per: '1,000 objects', unit: 'ms', factor: 1_000 }], observe: (r) => ({ x: [r.followers, r.objects], y: r.latency.p99 }) },
  { label: 'watcher RSS peak', unit: 'MB', terms: [{ per: 'follower', unit: 'KB', factor: 1024 }, { per: 'object', unit: 'KB', factor: 1024 }], observe: (r) => ({ x: [r.followers, r.objects], y: r.rss.watcherMb }) },
  { label: 'replicator RSS peak', unit: 'MB', terms: [{ per: 'follower', unit: 'KB', factor: 1024 }, { per: 'object', unit: 'KB', factor: 1024 }], observe: (r) => ({ x: [r.followers, r.objects], y: r.rss.replicatorMb }) },
  { label: 'Redis used_memory', unit: 'bytes', terms: [{ per: 'object', unit: 'bytes' }, { per: 'copy', unit: 'bytes' }], observe: (r) => ({ x: [r.objects, r.copies], y: r.redisUsedBytes }) },
  { label: 'point wall time', unit: 'ms', terms: [{ per: '1,000 copies', unit: 'ms', factor: 1_000 }], observe: (r) => ({ x: [r.copies], y: r.seconds * 1000 }) },
];

/** One line per fitted cost. */
export function fittedCosts(results: readonly PointResult[]): string[] {
  return FITTED_COSTS.map((c) => describeFit(c.label, c.unit, c.terms, leastSquares(results.map(c.observe))));
}

/**
 * What the fit of cost `costLabel` over `results` predicts at a point not measured (in the cost's
 * unit); NaN when it cannot be fitted. Only the point's followers and objects are read.
 */
export function estimate(results: readonly PointResult[], costLabel: string, at: { readonly followers: number; readonly objects: number }): number {
  const cost = FITTED_COSTS.find((c) => c.label === costLabel);
  if (cost === undefined) return Number.NaN;
  const fit = leastSquares(results.map(cost.observe));
  if (fit === undefined) return Number.NaN;
  const probe = { ...(results[0] as PointResult), ...at, copies: at.followers * at.objects };
  const [intercept = Number.NaN, ...slopes] = fit.coefficients;
  return cost.observe(probe).x.reduce((sum, x, j) => sum + (slopes[j] ?? Number.NaN) * x, intercept);
}
