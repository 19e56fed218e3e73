/**
 * The baselines' figures as text: percentiles of samples, the ratio lines compared across runs
 * (`ratio latency p50 AMKO-style sequential / amko-federation: 4.2x`) and the table of every
 * figure with the load average it was measured at. Pure functions.
 */
import { percentile } from '../support/stats.ts';

export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** p50, p99 and max of some samples, in any order (stats.ts's percentile: index ⌊p·n⌋, so the p99 of 100 samples is the largest); NaN figures for none. */
export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN };
}

/** `4.2x`; `n/a` when either side is missing, zero or not finite. */
export function formatRatio(numerator: number, denominator: number): string {
  const ratio = numerator / denominator;
  return Number.isFinite(ratio) && ratio > 0 ? `${ratio.toFixed(1)}x` : 'n/a';
}

/** `ratio <what> <numerator> / <denominator>: <ratio>`. */
export function ratioLine(what: string, numerator: { readonly name: string; readonly value: number }, denominator: { readonly name: string; readonly value: number }): string {
  return `ratio ${what} ${numerator.name} / ${denominator.name}: ${formatRatio(numerator.value, denominator.value)}`;
}

/**
 * The p50 ratio of two systems round by round (the rounds interleave the systems), so that a run
 * shows how far the pooled ratio moves with the machine: one ratio per round both sides measured,
 * NaN for a round without samples on either side.
 */
export function perRoundRatios(numerator: readonly (readonly number[])[], denominator: readonly (readonly number[])[]): number[] {
  const rounds = Math.min(numerator.length, denominator.length);
  return Array.from({ length: rounds }, (_, i) => summarise(numerator[i] ?? []).p50 / summarise(denominator[i] ?? []).p50);
}

const ratioText = (ratio: number): string => (Number.isFinite(ratio) && ratio > 0 ? ratio.toFixed(2) : 'n/a');

/**
 * `per round: latency p50 amko-federation / floor 1.52 1.61 1.48 (median 1.52)`; the median is
 * taken as every p50 here (`percentile`), over the rounds with a ratio.
 */
export function perRoundLine(what: string, numerator: string, denominator: string, ratios: readonly number[]): string {
  const measured = ratios.filter((r) => Number.isFinite(r) && r > 0).sort((a, b) => a - b);
  return `per round: ${what} ${numerator} / ${denominator} ${ratios.map(ratioText).join(' ')} (median ${ratioText(percentile(measured, 0.5))})`;
}

/** A measured figure, with the 1-minute load average when it was taken. */
export interface FigureRow {
  readonly scenario: string;
  readonly system: string;
  readonly figure: string;
  /** Already formatted, e.g. `12.3 ms` or `not converged within 60 s`. */
  readonly value: string;
  readonly load: number;
}

/** Plain-text table, one line per figure. */
export function renderTable(rows: readonly FigureRow[]): string[] {
  const header = ['scenario', 'system', 'figure', 'value', 'load avg'];
  const cells = rows.map((r) => [r.scenario, r.system, r.figure, r.value, r.load.toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string => c.map((v, i) => (i >= 3 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}

/** `12.3 ms` (`n/a` when not finite). */
export const ms = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
