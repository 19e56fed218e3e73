/**
 * `npm run bench`: every ARCHITECTURE §7 target, measured on this machine (emulated API servers on
 * loopback, a private redis-server, the watcher and replicator as real processes through the
 * harness), printed next to the target with "met" / "NOT met". Prints figures; asserts nothing.
 *
 *   npm run bench                                  # every scenario, about 3–5 minutes
 *   npm run bench -- --only latency,burst          # some scenarios
 *   npm run bench -- --replicator-node-options="--max-old-space-size=256"   # try other V8 flags
 *   npm run bench -- --only curves --curves-grid=1x100,10x1000   # cost curves over other grid points
 *   npm run bench -- --list
 *
 * Scenarios: see test/bench/scenarios/*.ts and docs/benchmarks.md. Every federation a scenario
 * starts is stopped when it ends, fails or the run is interrupted (Ctrl-C): no process or port is
 * left behind.
 */
import { parseArgs } from 'node:util';
import type { Federation } from '@amko-fed/testing';
import { met, renderFigures, type ScenarioResult } from './support/figures.ts';
import { baselines } from './scenarios/baselines.ts';
import { burst } from './scenarios/burst.ts';
import { cliStart } from './scenarios/cli-start.ts';
import { curvesScenario } from './scenarios/curves.ts';
import { followUp } from './scenarios/follow-up.ts';
import { latency } from './scenarios/latency.ts';
import { memory } from './scenarios/memory.ts';
import { outage } from './scenarios/outage.ts';
import { replicas } from './scenarios/replicas.ts';
import { retention } from './scenarios/retention.ts';
import { roundTrips } from './scenarios/round-trips.ts';
import type { Scenario, ScenarioContext } from './scenarios/scenario.ts';
import { throughput } from './scenarios/throughput.ts';

// The curves scenario reads its options (--curves-grid, --curves-out) when it runs, after parsing.
const curves = curvesScenario(() => ({ grid: values['curves-grid'], out: values['curves-out'], from: values['curves-from'] }));
const SCENARIOS: readonly Scenario[] = [roundTrips, latency, throughput, replicas, burst, followUp, outage, memory, retention, cliStart, baselines, curves];

const USAGE = `usage: npm run bench [-- --only <scenario>[,<scenario>…]] [--watcher-node-options="<flags>"] [--replicator-node-options="<flags>"] [--app-env=<NAME>=<value>]… [--curves-grid=<followers>x<objects>,…] [--curves-out=<dir>] [--curves-from=<curves.json>] [--list]
scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      only: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      'watcher-node-options': { type: 'string' },
      'replicator-node-options': { type: 'string' },
      'app-env': { type: 'string', multiple: true },
      'curves-grid': { type: 'string' },
      'curves-out': { type: 'string' },
      'curves-from': { type: 'string' },
    },
  });
} catch (err) {
  fail(err instanceof Error ? err.message : 'bad arguments');
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values.list) {
  for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(12)} ${s.describe}\n`);
  process.exit(0);
}
const wanted = values.only === undefined ? SCENARIOS.map((s) => s.name) : values.only.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) fail(`unknown scenario(s): ${unknown.join(', ')}`);
const selected = SCENARIOS.filter((s) => wanted.includes(s.name));

/**
 * Only what the command line says; the harness adds the deployment's own settings (NODE_OPTIONS,
 * compile cache). `--app-env NAME=value` (repeatable) goes to both apps, e.g. MALLOC_ARENA_MAX=2.
 */
const appEnv: Record<string, string> = {};
for (const pair of values['app-env'] ?? []) {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
  if (match === null) fail(`--app-env "${pair}": expected NAME=value, e.g. --app-env=MALLOC_ARENA_MAX=2`);
  appEnv[match[1] as string] = match[2] as string;
}
const nodeOptions = (flags: string | undefined): Record<string, string> => ({ ...appEnv, ...(flags === undefined ? {} : { NODE_OPTIONS: flags }) });
const running = new Set<Federation>();
const context: ScenarioContext = {
  // stop() is idempotent: a scenario stops its federations itself, an interrupted run stops them here.
  async track(starting) {
    const federation = await starting;
    running.add(federation);
    return federation;
  },
  apps: {
    watcher: { env: nodeOptions(values['watcher-node-options']) },
    replicator: { env: nodeOptions(values['replicator-node-options']) },
  },
  progress: (message) => process.stderr.write(`  … ${message}\n`),
};

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping ${running.size} federation(s)…\n`);
    void Promise.allSettled([...running].map((f) => f.stop())).then(() => process.exit(130));
  });
}

const results: ScenarioResult[] = [];
const failures: string[] = [];
const startedAll = performance.now();
process.stdout.write(`amko-federation benchmarks — Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
for (const scenario of selected) {
  if (interrupted) break;
  process.stdout.write(`\n== ${scenario.name}: ${scenario.describe}\n`);
  const started = performance.now();
  try {
    const result = await scenario.run(context);
    results.push(result);
    for (const figure of result.figures) {
      process.stdout.write(`  ${met(figure) ? 'met    ' : 'NOT met'}  ${figure.what}: ${figure.measured.toFixed(figure.decimals ?? 1)} ${figure.unit} (target ${figure.direction} ${figure.bound} ${figure.unit})${figure.how ? `\n           ${figure.how}` : ''}\n`);
    }
    for (const note of result.notes) process.stdout.write(`  ${note}\n`);
  } catch (err) {
    failures.push(scenario.name);
    process.stdout.write(`  scenario failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  running.clear();
  process.stdout.write(`  (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}

process.stdout.write(`\n== summary (${((performance.now() - startedAll) / 1000).toFixed(0)} s)\n${renderFigures(results)}\n`);
if (failures.length > 0) process.stdout.write(`scenarios that could not run: ${failures.join(', ')}\n`);
// Exit now: a scenario that failed half-way may have left a timer or socket behind, and a bench that
// never exits holds /tmp/amko-heavy.lock for everyone waiting on it.
process.exit(failures.length > 0 ? 1 : 0);
