/**
 * What a scenario reports: figures judged against an ARCHITECTURE §7 target (`met` / `NOT met`)
 * and plain notes (context such as CPU per apply, heap, tunings) that are printed but not judged.
 */
export interface TargetFigure {
  /** e.g. "latency p50, leader write → applied on 10 followers". */
  readonly what: string;
  readonly measured: number;
  readonly unit: string;
  /** The target's bound, and whether the measured figure must stay at or below it, or reach it. */
  readonly bound: number;
  readonly direction: 'at most' | 'at least';
  /** How it was measured (printed under the figure). */
  readonly how?: string;
  /** Decimals printed (a ratio near its bound needs 2). @defaultValue 1, none from 100 on */
  readonly decimals?: number;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly figures: readonly TargetFigure[];
  readonly notes: readonly string[];
}

export const met = (figure: TargetFigure): boolean =>
  Number.isFinite(figure.measured) && (figure.direction === 'at most' ? figure.measured <= figure.bound : figure.measured >= figure.bound);

const format = (value: number, decimals?: number): string =>
  !Number.isFinite(value) ? 'n/a' : decimals !== undefined ? value.toFixed(decimals) : Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);

/** One line per figure: what, measured, target, verdict. */
export function renderFigures(results: readonly ScenarioResult[]): string {
  const rows = results.flatMap((r) => r.figures.map((f) => [f.what, `${format(f.measured, f.decimals)} ${f.unit}`, `${f.direction} ${format(f.bound, f.decimals)} ${f.unit}`, met(f) ? 'met' : 'NOT met']));
  const header = ['target (ARCHITECTURE §7)', 'measured', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
