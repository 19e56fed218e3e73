/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) by self time: per package (node_modules package,
 * workspace app/lib, node internals, GC, idle) and per function. Used to find where a write's time
 * goes (docs/benchmarks.md, "Where a write's time goes").
 *
 *   node apps/replicator/bench/cpuprofile-summary.ts <file.cpuprofile> [--skip-ms=N] [--top=N] [--per=N]
 *
 * --skip-ms leaves out the first N ms of the profile (start-up); --per divides the busy times by N
 * (e.g. the number of writes, to print ms per write).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The package a script URL belongs to: `bullmq`, `@scope/name`, `apps/replicator`, `node:internal`… */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const ws = /\/(apps|libs)\/([^/]+)\//.exec(url);
  if (ws !== null) return `${ws[1]}/${ws[2]}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

function table(rows: Map<string, number>, total: number, per: number, top: number): string[] {
  return [...rows.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => `${(us / 1000 / per).toFixed(3).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'skip-ms': { type: 'string' }, top: { type: 'string' }, per: { type: 'string' } } });
  const file = positionals[0];
  if (file === undefined) throw new Error('usage: cpuprofile-summary.ts <file.cpuprofile> [--skip-ms=N] [--top=N] [--per=N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const skipUs = Number(values['skip-ms'] ?? 0) * 1000;
  const top = Number(values.top ?? 40);
  const per = Number(values.per ?? 1);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  /** Inclusive time of workspace functions (apps/, libs/): each counted once per sample. */
  const inclusive = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (frame: CallFrame): string => {
    const where = frame.url === '' ? '' : ` ${frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(apps|libs)\//, '$1/')}:${frame.lineNumber + 1}`;
    return `${frame.functionName || '(anonymous)'}${where}`;
  };
  let elapsed = 0;
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    elapsed += delta;
    if (elapsed < skipUs) return;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return;
    if (frame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    busy += delta;
    const pkg = packageOf(frame.url, frame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + delta);
    const fn = label(frame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + delta);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame;
      if (f === undefined || !/\/(apps|libs)\//.test(f.url) || f.url.includes('/node_modules/')) continue;
      const name = label(f);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
    }
  });
  const out = [
    `${file}: ${((elapsed - skipUs) / 1e6).toFixed(1)} s profiled, busy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms${per === 1 ? '' : `; figures per 1/${per}`}`,
    '',
    'self time by package:',
    ...table(byPackage, busy, per, top),
    '',
    'self time by function:',
    ...table(byFunction, busy, per, top),
    '',
    'inclusive time of workspace functions (apps/, libs/):',
    ...table(inclusive, busy, per, top),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
