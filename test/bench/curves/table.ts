/**
 * The cost curves as text: one Markdown table row per grid point (printed by the bench and pasted
 * as is into docs/benchmarks.md), and the fitted costs per follower, object and copy. Pure.
 */
import { followerJobOptions } from '@amko-fed/queue';
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

const removeOnComplete = followerJobOptions().removeOnComplete;
/** Completed jobs BullMQ keeps per follower queue (libs/queue follower-job-options.ts: 1,000). */
export const KEPT_COMPLETED_JOBS = typeof removeOnComplete === 'object' ? (removeOnComplete.count ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;

/** Completed jobs Redis still holds after a point's initial sync: up to KEPT_COMPLETED_JOBS per follower. */
export const keptJobs = (r: PointResult): number => r.followers * Math.min(r.objects, KEPT_COMPLETED_JOBS);

/** What the figures are fitted against: the regressors each cost is expected to grow with. */
export const FITTED_COSTS: readonly FittedCost[] = [
  { label: 'initial sync', unit: 'ms', terms: [{ per: '1,000 copies', unit: 'ms', factor: 1_000 }, { per: 'follower', unit: 'ms' }], observe: (r) => ({ x: [r.copies, r.followers], y: r.initialSyncMs }) },
  { label: 'new follower sync', unit: 'ms', terms: [{ per: '1,000 objects', unit: 'ms', factor: 1_000 }, { per: 'follower already there', unit: 'ms' }], observe: (r) => ({ x: [r.objects, r.followers], y: r.newFollowerSyncMs }) },
  { label: 'steady-state resync (watcher)', unit: 'ms', terms: [{ per: '1,000 copies', unit: 'ms', factor: 1_000 }, { per: 'follower', unit: 'ms' }], observe: (r) => ({ x: [r.copies, r.followers], y: r.resync.watcherMs }) },
  { label: 'latency p50', unit: 'ms', terms: [{ per: 'follower', unit: 'ms' }, { per: '1,000 objects', unit: 'ms', factor: 1_000 }], observe: (r) => ({ x: [r.followers, r.objects], y: r.latency.p50 }) },
  { label: 'latency p99', unit: 'ms', terms: [{ per: 'follower', unit: 'ms' }, { per: '1,000 objects', unit: 'ms', factor: 1_000 }], observe: (r) => ({ x: [r.followers, r.objects], y: r.latency.p99 }) },
  { label: 'watcher RSS peak', unit: 'MB', terms: [{ per: 'follower', unit: 'KB', factor: 1024 }, { per: 'object', unit: 'KB', factor: 1024 }], observe: (r) => ({ x: [r.followers, r.objects], y: r.rss.watcherMb }) },
  { label: 'replicator RSS peak', unit: 'MB', terms: [{ per: 'follower', unit: 'KB', factor: 1024 }, { per: 'object', unit: 'KB', factor: 1024 }], observe: (r) => ({ x: [r.followers, r.objects], y: r.rss.replicatorMb }) },
  // Per object: projection, history, log; per copy: the result record (and its stream entry, capped
  // at 100,000); per completed job BullMQ keeps: the job hash (removeOnComplete count per queue).
  {
    label: 'Redis used_memory', unit: 'bytes',
    terms: [{ per: 'object', unit: 'bytes' }, { per: 'copy', unit: 'bytes' }, { per: 'completed job kept', unit: 'bytes' }],
    observe: (r) => ({ x: [r.objects, r.copies, keptJobs(r)], y: r.redisUsedBytes }),
  },
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
