/**
 * Cost curves (issue #16): a grid of followers × objects, each point a fresh federation measured
 * by curves/measure-point.ts (initial sync and applies/s, latency p50/p99, a steady-state resync,
 * a new follower's sync, peak RSS of watcher and replicator, Redis used_memory). Prints one table
 * row per point, the costs fitted by least squares (per follower, object, copy), an estimate for
 * the points left out, and writes the charts (Vega-Lite → SVG) and their figures (curves.json)
 * into docs/bench/.
 *
 *   npm run bench -- --only curves                                  # the default grid, ~10 min
 *   npm run bench -- --only curves --curves-grid=1x100,100x10000    # other points
 *   npm run bench -- --only curves --curves-out=/tmp/charts         # charts elsewhere
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@amko-fed/testing';
import { curveCharts, renderSvg } from '../curves/charts.ts';
import { formatNumber } from '../curves/fit.ts';
import { copiesOf, DEFAULT_GRID, FULL_GRID, label, parseGrid, PRUNED } from '../curves/grid.ts';
import { LATENCY_WRITES, measurePoint } from '../curves/measure-point.ts';
import type { PointResult } from '../curves/point-result.ts';
import { curvesTable, estimate, fittedCosts } from '../curves/table.ts';
import type { Scenario } from './scenario.ts';

export interface CurvesOptions {
  /** `--curves-grid`: `1x100,10x1000` (followers x objects); undefined: DEFAULT_GRID. */
  readonly grid: string | undefined;
  /** `--curves-out`: where the charts go. @defaultValue docs/bench */
  readonly out: string | undefined;
}

async function machine(): Promise<string> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU';
  return `${availableParallelism()} CPUs (${model}), Node ${process.version}`;
}

/** The points of the full grid this run left out, with why and what this run's fits estimate for them. */
function prunedNotes(results: readonly PointResult[], ran: readonly string[], defaultGrid: boolean): string[] {
  const seconds = (ms: number): string => (Number.isFinite(ms) ? `${formatNumber(ms / 1000)} s` : 'n/a');
  return FULL_GRID.filter((p) => !ran.includes(label(p))).map((p) => {
    const reason = defaultGrid ? (PRUNED.find((q) => label(q.point) === label(p))?.reason ?? 'left out') : 'not in --curves-grid';
    return `not run: ${label(p)} (${copiesOf(p).toLocaleString('en-US')} copies): ${reason}; this run's fits estimate initial sync ≈ ${seconds(estimate(results, 'initial sync', p))}, whole point ≈ ${seconds(estimate(results, 'point wall time', p))}`;
  });
}

export function curvesScenario(options: () => CurvesOptions): Scenario {
  return {
    name: 'curves',
    describe: `cost curves over followers × objects (default ${DEFAULT_GRID.map(label).join(', ')}; --curves-grid=FxO,…): initial sync, applies/s, a new follower's sync, steady-state resync, latency p50/p99, RSS, Redis memory; tables, fitted costs, charts in docs/bench/`,
    async run(context) {
      const { grid, out } = options();
      const points = grid === undefined ? DEFAULT_GRID : parseGrid(grid);
      const outDir = out ?? join(REPO_ROOT, 'docs', 'bench');
      const host = await machine();
      const startedAt = new Date();
      const loadStart = loadavg().map((l) => l.toFixed(2)).join(' ');
      const results: PointResult[] = [];
      const failed: string[] = [];
      for (const point of points) {
        context.progress(`point ${label(point)} (${copiesOf(point).toLocaleString('en-US')} copies), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
        try {
          results.push(await measurePoint(context, point));
        } catch (err) {
          failed.push(`${label(point)}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        }
      }
      const loadEnd = loadavg().map((l) => l.toFixed(2)).join(' ');
      const subtitle = `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${host} · load ${loadStart} → ${loadEnd}`;
      const written: string[] = [];
      if (results.length > 0) {
        await mkdir(outDir, { recursive: true });
        for (const chart of curveCharts(results, subtitle)) {
          await writeFile(join(outDir, chart.file), await renderSvg(chart.spec));
          written.push(join(outDir, chart.file));
        }
        // The figures behind the charts, to compare runs or plot them otherwise.
        await writeFile(join(outDir, 'curves.json'), `${JSON.stringify({ startedAt: startedAt.toISOString(), machine: host, load: { start: loadStart, end: loadEnd }, results }, null, 2)}\n`);
        written.push(join(outDir, 'curves.json'));
      }
      return {
        scenario: 'curves',
        figures: [],
        notes: [
          `machine: ${host}; load average (1, 5, 15 min) ${loadStart} at the start, ${loadEnd} at the end`,
          `latency: ${LATENCY_WRITES} writes per point (p99 of 30 is the slowest write); resync: the watcher's own resync histogram (watcher) and trigger → resync counted (wall, includes the relist)`,
          '',
          ...curvesTable(results),
          '',
          'fitted costs (least squares over the points above):',
          ...fittedCosts(results).map((line) => `  ${line}`),
          '',
          ...prunedNotes(results, points.map(label), grid === undefined),
          ...failed.map((f) => `FAILED ${f}`),
          ...(written.length > 0 ? [`charts: ${written.join(', ')}`] : ['no charts: no point was measured']),
        ],
      };
    },
  };
}
