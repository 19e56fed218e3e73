/**
 * `npm run chaos`: the chaos suite (issue #9). Each scenario runs a whole federation (leader + 2
 * followers as emulated API servers, a private redis-server, the watcher and the replicator as real
 * processes), injects its fault during leader writes, and prints one row: fault, converged (ms
 * after the fault ended), objects lost, objects regressed, process crashes, the leader's final
 * AMKOCluster conditions. A scenario passes when every follower ends equal to the leader, nothing
 * was lost or regressed, no process crashed and every condition reports success.
 *
 *   npm run chaos                                 # full profile, about 10–20 minutes
 *   npm run chaos -- --profile short              # the CI profile, about 3–5 minutes
 *   npm run chaos -- --only redis-kill-empty,storm-503 --keep-logs
 *   npm run chaos -- --list
 *   CHAOS_LOG_LEVEL=debug npm run chaos -- --only storm-429 --keep-logs --logs-dir /tmp/chaos-logs
 *                                                 # the apps' LOG_LEVEL (info by default); the logs
 *                                                 # directory is created when missing
 *
 * Exit code 1 when a scenario failed. Ctrl-C stops every process, cluster and Redis it started.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Federation } from '@amko-fed/testing';
import { PROFILES, type ChaosProfile } from './profiles.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { renderDetails, renderMarkdown, renderTable } from './support/report.ts';
import { runScenario, type ChaosOutcome } from './support/run-scenario.ts';

const USAGE = `usage: npm run chaos [-- --profile full|short] [--only <scenario>[,<scenario>…]] [--seed N] [--keep-logs] [--logs-dir DIR] [--markdown] [--list]
scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      profile: { type: 'string', default: 'full' },
      only: { type: 'string' },
      seed: { type: 'string', default: '9' },
      'keep-logs': { type: 'boolean', default: false },
      'logs-dir': { type: 'string' },
      markdown: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
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
const profile: ChaosProfile | undefined = PROFILES[values.profile as ChaosProfile['name']];
if (profile === undefined) fail(`unknown profile "${values.profile}"`);
if (values.list) {
  for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(20)} ${s.fault(profile)}\n`);
  process.exit(0);
}
const seed = Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed must be an integer, not "${values.seed}"`);
const wanted = values.only === undefined ? SCENARIOS.map((s) => s.name) : values.only.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) fail(`unknown scenario(s): ${unknown.join(', ')}`);
const selected = SCENARIOS.filter((s) => wanted.includes(s.name));

let running: Federation | undefined;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping the running federation…\n`);
    void Promise.allSettled([running?.stop()]).then(() => process.exit(130));
  });
}

const startedAll = performance.now();
process.stdout.write(
  `amko-federation chaos suite, ${profile.name} profile, seed ${seed} — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`,
);
const outcomes: ChaosOutcome[] = [];
for (const scenario of selected) {
  if (interrupted) break;
  process.stdout.write(`\n== ${scenario.name}: ${scenario.fault(profile)}\n`);
  const outcome = await runScenario(scenario, profile, {
    progress: (message) => process.stderr.write(`  … ${message}\n`),
    keepLogs: values['keep-logs'],
    seed,
    ...(values['logs-dir'] === undefined ? {} : { logsRoot: values['logs-dir'] }),
    track: (federation) => {
      running = federation;
    },
  });
  running = undefined;
  outcomes.push(outcome);
  process.stdout.write(
    `  ${outcome.failures.length === 0 ? 'pass' : 'FAIL'}: converged ${outcome.convergedMs === undefined ? 'NO' : `${outcome.convergedMs.toFixed(0)} ms after the fault ended`}, ` +
      `lost ${outcome.lost.length}, regressed ${outcome.regressedObjects}, crashes ${outcome.crashes.length}; ` +
      `writes ${outcome.writes.creates} creates / ${outcome.writes.updates} updates / ${outcome.writes.deletes} deletes; ` +
      `${outcome.followerChanges} follower changes observed (${(outcome.durationMs / 1000).toFixed(0)} s)\n`,
  );
  const details = renderDetails(outcome);
  if (details !== '') process.stdout.write(`${details}\n`);
}

const passed = outcomes.filter((o) => o.failures.length === 0).length;
process.stdout.write(
  `\n== summary: ${passed} of ${outcomes.length} scenarios passed (${((performance.now() - startedAll) / 1000).toFixed(0)} s, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})\n${values.markdown ? renderMarkdown(outcomes) : renderTable(outcomes)}\n`,
);
process.exit(passed === outcomes.length && !interrupted ? 0 : 1);
