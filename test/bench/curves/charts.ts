/**
 * The cost curves as charts: Vega-Lite specifications built from the grid's results (pure), and
 * rendered to SVG headless with Vega (no browser, no canvas: the `none` renderer's `toSVG()`).
 * Why Vega-Lite: docs/adr/0018-bench-charts-with-vega-lite.md.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { PointResult } from './point-result.ts';

export interface Chart {
  /** File name, e.g. `curves-latency.svg`. */
  readonly file: string;
  readonly spec: TopLevelSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const objectsLabel = (objects: number): string => `${objects.toLocaleString('en-US')} objects`;

/** Followers on x, one line per object count (colour), optionally one panel per measure. */
function lines(options: {
  readonly title: { readonly text: string; readonly subtitle: string };
  readonly rows: readonly Record<string, string | number>[];
  readonly y: { readonly field: string; readonly title: string };
  /** One panel per value of this field, in the order the values first appear. */
  readonly panel?: string;
}): TopLevelSpec {
  const layer = {
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'followers', type: 'quantitative' as const, title: 'followers', scale: { domain: [0, Math.max(...options.rows.map((r) => Number(r['followers'])), 1)] } },
      y: { field: options.y.field, type: 'quantitative' as const, title: options.y.title },
      color: { field: 'objects', type: 'nominal' as const, title: 'objects', sort: { field: 'objectCount' }, scale: { scheme: 'tableau10' } },
    },
    width: 260,
    height: 200,
  };
  const data = { values: options.rows };
  if (options.panel === undefined) return { $schema: SCHEMA, title: options.title, data, ...layer } as TopLevelSpec;
  const panel = options.panel;
  const panels = [...new Set(options.rows.map((r) => String(r[panel])))];
  return {
    $schema: SCHEMA,
    title: options.title,
    data,
    facet: { column: { field: panel, type: 'nominal', title: null, sort: panels } },
    spec: layer,
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

/** The four charts of the cost curves. */
export function curveCharts(results: readonly PointResult[], subtitle: string): Chart[] {
  const base = (r: PointResult) => ({ followers: r.followers, objects: objectsLabel(r.objects), objectCount: r.objects });
  const title = (text: string) => ({ text, subtitle });
  return [
    {
      file: 'curves-latency.svg',
      spec: lines({
        title: title('Leader write → applied on every follower'),
        rows: results.flatMap((r) => [{ ...base(r), percentile: 'p50', ms: r.latency.p50 }, { ...base(r), percentile: `p99 (slowest of ${r.latency.writes})`, ms: r.latency.p99 }]),
        y: { field: 'ms', title: 'latency (ms)' },
        panel: 'percentile',
      }),
    },
    {
      file: 'curves-sync.svg',
      spec: lines({
        title: title('Sync times'),
        rows: results.flatMap((r) => [
          { ...base(r), measure: 'initial sync (all followers)', s: r.initialSyncMs / 1000 },
          { ...base(r), measure: 'a new follower joins', s: r.newFollowerSyncMs / 1000 },
          { ...base(r), measure: 'steady-state resync (watcher)', s: r.resync.watcherMs / 1000 },
        ]),
        y: { field: 's', title: 'seconds' },
        panel: 'measure',
      }),
    },
    {
      file: 'curves-memory.svg',
      spec: lines({
        title: title('Memory'),
        rows: results.flatMap((r) => [
          { ...base(r), what: 'watcher RSS peak', mb: r.rss.watcherMb },
          { ...base(r), what: 'replicator RSS peak', mb: r.rss.replicatorMb },
          { ...base(r), what: 'Redis used_memory', mb: r.redisUsedBytes / 1024 / 1024 },
        ]),
        y: { field: 'mb', title: 'MB' },
        panel: 'what',
      }),
    },
    {
      file: 'curves-throughput.svg',
      spec: lines({
        title: title('Initial sync: follower applies per second'),
        rows: results.map((r) => ({ ...base(r), appliesPerS: r.appliesPerS })),
        y: { field: 'appliesPerS', title: 'applies/s' },
      }),
    },
  ];
}

/** Renders a Vega-Lite specification to an SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}
