/**
 * The chaos table (one row per scenario: fault, converged ms after the fault ended, objects lost,
 * objects regressed, process crashes, final conditions, verdict) and, for a failed scenario, the
 * evidence: which objects were lost or regressed on which follower, the crashes, the conditions.
 */
import type { ChaosOutcome } from './run-scenario.ts';

const LIST_LIMIT = 12;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;

function conditionsCell(outcome: ChaosOutcome): string {
  if (outcome.conditions.length === 0) return 'none';
  if (outcome.staleConditions.length === 0) return `all ${outcome.conditions.length} ok`;
  return outcome.staleConditions.map((c) => (c.length > 70 ? `${c.slice(0, 67)}...` : c)).join('; ');
}

export function row(outcome: ChaosOutcome): string[] {
  return [
    outcome.scenario,
    outcome.fault,
    outcome.convergedMs === undefined ? (outcome.error === undefined ? 'NO' : 'error') : `${outcome.convergedMs.toFixed(0)} ms`,
    String(outcome.lost.length),
    String(outcome.regressedObjects),
    String(outcome.crashes.length),
    conditionsCell(outcome),
    outcome.failures.length === 0 ? 'pass' : 'FAIL',
  ];
}

const HEADER = ['scenario', 'fault', 'converged', 'lost', 'regressed', 'crashes', 'final conditions', ''];

/** A plain-text table, one row per outcome. */
export function renderTable(outcomes: readonly ChaosOutcome[]): string {
  const rows = outcomes.map(row);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = new Set([2, 3, 4, 5]);
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table as Markdown (for docs/reliability.md). */
export function renderMarkdown(outcomes: readonly ChaosOutcome[]): string {
  const escape = (c: string): string => c.replace(/\|/g, '\\|');
  return [
    `| ${HEADER.map((h) => h || 'verdict').join(' | ')} |`,
    `|${HEADER.map((_, i) => ([2, 3, 4, 5].includes(i) ? '---:' : '---')).join('|')}|`,
    ...outcomes.map((o) => `| ${row(o).map(escape).join(' | ')} |`),
  ].join('\n');
}

const more = (n: number): string => (n > LIST_LIMIT ? `    … and ${n - LIST_LIMIT} more` : '');

/** The evidence behind a failed outcome (empty for a pass). */
export function renderDetails(outcome: ChaosOutcome): string {
  if (outcome.failures.length === 0) return '';
  const lines = [`${outcome.scenario}: FAIL — ${outcome.failures.join('; ')}`];
  if (outcome.error !== undefined) lines.push(`  error: ${outcome.error}`);
  if (outcome.lost.length > 0) {
    lines.push(`  lost (follower object: what, leader value -> follower value):`);
    for (const d of outcome.lost.slice(0, LIST_LIMIT)) lines.push(`    ${d.follower} ${d.object}: ${d.what}, ${d.leader ?? 'absent'} -> ${d.onFollower ?? 'absent'}`);
    lines.push(more(outcome.lost.length));
  }
  if (outcome.regressions.length > 0) {
    lines.push(`  regressed (follower object: highest value seen -> older value, when):`);
    for (const r of outcome.regressions.slice(0, LIST_LIMIT)) lines.push(`    ${r.follower} ${r.object}: ${r.from} -> ${r.to} at ${seconds(r.atMs)}`);
    lines.push(more(outcome.regressions.length));
  }
  if (outcome.crashes.length > 0) {
    lines.push('  crashes (unexpected exits):');
    for (const c of outcome.crashes.slice(0, LIST_LIMIT)) lines.push(`    ${c.app} exited with ${c.exit.signal ?? `code ${String(c.exit.code)}`} at ${seconds(c.atMs)}`);
    lines.push(more(outcome.crashes.length));
  }
  lines.push(`  final conditions of the leader's AMKOCluster:`);
  for (const c of outcome.conditions) lines.push(`    ${c.type ?? '?'}: ${c.status ?? '?'}${c.reason ? ` — ${c.reason}` : ''}`);
  if (outcome.logsDir !== undefined) lines.push(`  logs: ${outcome.logsDir}/logs`);
  return lines.filter((l) => l !== '').join('\n');
}
