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
 *   npm run bench -- --only curves --curves-from=docs/bench/curves.json   # tables, fits, charts of a saved run
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
import type { Scenario, ScenarioContext } from './scenario.ts';

export interface CurvesOptions {
  /** `--curves-grid`: `1x100,10x1000` (followers x objects); undefined: DEFAULT_GRID. */
  readonly grid: string | undefined;
  /** `--curves-out`: where the charts go. @defaultValue docs/bench */
  readonly out: string | undefined;
  /** `--curves-from`: a curves.json of an earlier run: print and draw its figures instead of measuring. */
  readonly from: string | undefined;
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

/** A measured grid, as written to curves.json (and read back by --curves-from). */
interface CurvesRun {
  readonly startedAt: string;
  readonly machine: string;
  readonly load: { readonly start: string; readonly end: string };
  /** `--curves-grid` as given; null for the default grid. */
  readonly grid: string | null;
  readonly results: readonly PointResult[];
  readonly failed: readonly string[];
}

const loadNow = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function measureGrid(context: ScenarioContext, grid: string | undefined): Promise<CurvesRun> {
  const points = grid === undefined ? DEFAULT_GRID : parseGrid(grid);
  const startedAt = new Date().toISOString();
  const loadStart = loadNow();
  const results: PointResult[] = [];
  const failed: string[] = [];
  for (const point of points) {
    context.progress(`point ${label(point)} (${copiesOf(point).toLocaleString('en-US')} copies), load ${loadNow()}`);
    try {
      results.push(await measurePoint(context, point));
    } catch (err) {
      failed.push(`${label(point)}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  return { startedAt, machine: await machine(), load: { start: loadStart, end: loadNow() }, grid: grid ?? null, results, failed };
}

async function readRun(file: string): Promise<CurvesRun> {
  const run = JSON.parse(await readFile(file, 'utf8')) as Partial<CurvesRun>;
  if (!Array.isArray(run.results) || typeof run.startedAt !== 'string' || typeof run.machine !== 'string' || run.load === undefined) {
    throw new Error(`--curves-from: ${file} is not a curves.json written by this scenario (startedAt, machine, load, results)`);
  }
  return { startedAt: run.startedAt, machine: run.machine, load: run.load, grid: run.grid ?? null, results: run.results, failed: run.failed ?? [] };
}

export function curvesScenario(options: () => CurvesOptions): Scenario {
  return {
    name: 'curves',
    describe: `cost curves over followers × objects (default ${DEFAULT_GRID.map(label).join(', ')}; --curves-grid=FxO,…): initial sync, applies/s, a new follower's sync, steady-state resync, latency p50/p99, RSS, Redis memory; tables, fitted costs, charts in docs/bench/`,
    async run(context) {
      const { grid, out, from } = options();
      const outDir = out ?? join(REPO_ROOT, 'docs', 'bench');
      const run = from === undefined ? await measureGrid(context, grid) : await readRun(from);
      const { results } = run;
      const subtitle = `${run.startedAt.slice(0, 16).replace('T', ' ')} UTC · ${run.machine} · load ${run.load.start} → ${run.load.end}`;
      const written: string[] = [];
      if (results.length > 0) {
        await mkdir(outDir, { recursive: true });
        for (const chart of curveCharts(results, subtitle)) {
          await writeFile(join(outDir, chart.file), await renderSvg(chart.spec));
          written.push(join(outDir, chart.file));
        }
        if (from === undefined) {
          // The figures behind the charts, to compare runs, plot them again (--curves-from) or otherwise.
          await writeFile(join(outDir, 'curves.json'), `${JSON.stringify(run, null, 2)}\n`);
          written.push(join(outDir, 'curves.json'));
        }
      }
      return {
        scenario: 'curves',
        figures: [],
        notes: [
          ...(from === undefined ? [] : [`figures read from ${from} (measured ${run.startedAt}), not measured now`]),
          `machine: ${run.machine}; load average (1, 5, 15 min) ${run.load.start} at the start, ${run.load.end} at the end`,
          `latency: ${LATENCY_WRITES} writes per point (p99 of 30 is the slowest write); resync: the watcher's own resync histogram (watcher) and trigger → resync counted (wall, includes the relist)`,
          '',
          ...curvesTable(results),
          '',
          'fitted costs (least squares over the points above):',
          ...fittedCosts(results).map((line) => `  ${line}`),
          '',
          ...prunedNotes(results, (run.grid === null ? DEFAULT_GRID : parseGrid(run.grid)).map(label), run.grid === null),
          ...run.failed.map((f) => `FAILED ${f}`),
          ...(written.length > 0 ? [`written: ${written.join(', ')}`] : ['no charts: no point was measured']),
        ],
      };
    },
  };
}
