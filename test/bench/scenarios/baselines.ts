/**
 * Baselines (issue #16): amko-federation against what it replaces and what it is built on, in one
 * run, on the same 10 emulated followers and the same Redis: AMKO's own federator algorithm
 * (sequential pass per event, baselines/amko-style.ts), a kubectl loop (baselines/kubectl-loop.ts)
 * and the floor (BullMQ alone, baselines/floor.ts). Every system is measured the same way (a
 * leader write until the followers' stores hold it, baselines/arrivals.ts), scenario by scenario,
 * one system at a time (the others idle): latency, sustained applies/s, one follower slowed to
 * 250 ms per request, every follower 5 ms away (another site), one follower down for 30 s. Prints `ratio …` lines and a table of every
 * figure with the load average it was taken at; judges nothing.
 */
import { loadavg } from 'node:os';
import { startFederation } from '@amko-fed/testing';
import { watchArrivals } from '../baselines/arrivals.ts';
import { latencyRun, seed, throughputRound, timedWrite, type Bench, type Sizes } from '../baselines/measure.ts';
import { ms, perRoundLine, perRoundRatios, ratioLine, renderTable, summarise, type FigureRow, type Summary } from '../baselines/report.ts';
import { SYSTEMS, startSystems, type SystemName } from '../baselines/systems.ts';
import type { ScenarioResult, TargetFigure } from '../support/figures.ts';
import { sleep } from '../support/stats.ts';
import type { Scenario } from './scenario.ts';

const FOLLOWERS = 10;
const SLOW_MS = 250;
/** Added to every request of every follower: a round trip to another site. */
const REMOTE_MS = 5;
const DOWN_MS = 30_000;
const CONVERGE_MS = 60_000;
/** Rounds the latency writes are spread over, every system once per round. */
const LATENCY_ROUNDS = 5;
const FAST: Sizes = { warmUp: 10, writes: 200, throughputObjects: 200, slowWrites: 30 };
const SIZES: Record<SystemName, Sizes> = {
  [SYSTEMS.amkoFederation]: FAST,
  [SYSTEMS.amkoStyle]: { ...FAST, slowWrites: 20 },
  [SYSTEMS.floor]: FAST,
  [SYSTEMS.kubectlLoop]: { warmUp: 2, writes: 20, throughputObjects: 8, slowWrites: 8 },
};

const load = (): number => loadavg()[0] ?? Number.NaN;

/** One system's latency rounds so far, and what its processes and the bench spent on them. */
interface LatencyMeasure {
  readonly rounds: readonly (readonly number[])[];
  readonly lost: number;
  readonly cpuMs: Readonly<Record<string, number>>;
  readonly benchCpuMs: number;
  readonly writes: number;
}

const NOTHING_MEASURED: LatencyMeasure = { rounds: [], lost: 0, cpuMs: {}, benchCpuMs: 0, writes: 0 };

export const baselines: Scenario = {
  name: 'baselines',
  describe: `amko-federation vs AMKO-style sequential federator, kubectl loop and the floor (BullMQ alone), same ${FOLLOWERS} followers and Redis: latency, applies/s, a follower slowed to ${SLOW_MS} ms, every follower at ${REMOTE_MS} ms, a follower down ${DOWN_MS / 1000} s`,
  async run(context) {
    const federation = await context.track(startFederation({ followers: FOLLOWERS, logLevel: 'warn', ...context.apps, watcher: { env: { ...context.apps.watcher.env, STATUS_DEBOUNCE: '500ms' } } }));
    const arrivals = watchArrivals(federation.followers);
    let counter = 10;
    const bench: Bench = { federation, arrivals, next: () => (counter += 1) };
    const rows: FigureRow[] = [];
    const notes: string[] = [];
    const latency = new Map<SystemName, Summary>();
    const slow = new Map<SystemName, Summary>();
    const remote = new Map<SystemName, Summary>();
    const rate = new Map<SystemName, number>();
    const row = (scenario: string, system: string, figure: string, value: string): void => {
      rows.push({ scenario, system, figure, value, load: load() });
      context.progress(`${scenario} ${system}: ${figure} ${value} (load ${load().toFixed(2)})`);
    };
    const started = await startSystems(federation);
    try {
      const followers = federation.followers.map((f) => f.name);
      const [slowOne, ...others] = federation.followers;
      if (slowOne === undefined) throw new Error('no follower');
      const otherNames = others.map((f) => f.name);

      // Latency in interleaved rounds: this machine's speed drifts by a third within minutes, so
      // each system's writes are spread over the same stretch of time as the others' and the
      // ratios compare like with like (one block per system gave 1.3x to 2.2x for the same code).
      for (const system of started.systems) {
        await seed(bench, system.namespace, 'lat', 60_000);
        await latencyRun(bench, system.namespace, 'lat', SIZES[system.name].warmUp, 0, followers, 30_000);
      }
      // Each round's samples are kept apart for the per-round ratios; the pooled figures take them all.
      const measured = new Map<SystemName, LatencyMeasure>();
      for (let round = 0; round < LATENCY_ROUNDS; round += 1) {
        for (const system of started.systems) {
          const writes = Math.ceil(SIZES[system.name].writes / LATENCY_ROUNDS);
          const cpuBefore = await started.cpuMsByProcess(system.name);
          const benchBefore = process.cpuUsage();
          const run = await latencyRun(bench, system.namespace, 'lat', 0, writes, followers, 30_000);
          const benchUsed = process.cpuUsage(benchBefore);
          const cpuAfter = await started.cpuMsByProcess(system.name);
          const soFar = measured.get(system.name) ?? NOTHING_MEASURED;
          const cpuMs = Object.fromEntries(Object.entries(cpuAfter).map(([name, ms]) => [name, (soFar.cpuMs[name] ?? 0) + ms - (cpuBefore[name] ?? 0)]));
          const benchCpuMs = soFar.benchCpuMs + (benchUsed.user + benchUsed.system) / 1_000;
          measured.set(system.name, { rounds: [...soFar.rounds, run.samples], lost: soFar.lost + run.lost, cpuMs, benchCpuMs, writes: soFar.writes + writes });
        }
      }
      for (const system of started.systems) {
        const m = measured.get(system.name) ?? NOTHING_MEASURED;
        const s = summarise(m.rounds.flat());
        latency.set(system.name, s);
        row('latency', system.name, `p50 (${s.count} writes in ${LATENCY_ROUNDS} interleaved rounds${m.lost > 0 ? `, ${m.lost} lost` : ''})`, ms(s.p50));
        row('latency', system.name, 'p99', ms(s.p99));
        const processes = Object.entries(m.cpuMs);
        row('latency', system.name, 'CPU per write (own processes)', ms(processes.reduce((sum, [, cpu]) => sum + cpu, 0) / m.writes));
        if (processes.length > 1) {
          for (const [name, cpu] of processes) row('latency', system.name, `CPU per write: ${name}`, ms(cpu / m.writes));
        }
        // The emulated clusters run in this process: what a system costs the API servers it talks to.
        row('latency', system.name, 'CPU per write: emulators+bench (shared process)', ms(m.benchCpuMs / m.writes));
      }

      for (const system of started.systems) {
        const size = SIZES[system.name];
        const rounds = [];
        for (const round of [1, 2]) {
          const r = await throughputRound(bench, system.namespace, size.throughputObjects, round, 120_000);
          rounds.push(r);
          row('applies/s', system.name, `${round === 1 ? 'creates' : 'updates'} (${r.applies} applies${r.missing > 0 ? `, ${r.missing} objects missing` : ''})`, `${(r.applies / r.seconds).toFixed(0)} /s`);
        }
        rate.set(system.name, Math.min(...rounds.map((r) => r.applies / r.seconds)));
      }

      for (const system of started.systems) {
        const size = SIZES[system.name];
        await seed(bench, system.namespace, 'slow', 60_000);
        slowOne.faults.set({ latencyMs: SLOW_MS });
        const run = await latencyRun(bench, system.namespace, 'slow', 0, size.slowWrites, otherNames, 60_000);
        slowOne.faults.clear();
        const s = summarise(run.samples);
        slow.set(system.name, s);
        row(`${slowOne.name} at ${SLOW_MS} ms`, system.name, `p50 on the other 9 (${s.count} writes${run.lost > 0 ? `, ${run.lost} lost` : ''})`, ms(s.p50));
        row(`${slowOne.name} at ${SLOW_MS} ms`, system.name, 'p99 on the other 9', ms(s.p99));
        // the slow follower's backlog drains before the next system is measured
        await timedWrite(bench, system.namespace, 'slow', followers, 120_000);
      }

      for (const system of started.systems) {
        const size = SIZES[system.name];
        await seed(bench, system.namespace, 'remote', 60_000);
        for (const f of federation.followers) f.faults.set({ latencyMs: REMOTE_MS });
        const run = await latencyRun(bench, system.namespace, 'remote', 0, size.slowWrites, followers, 60_000);
        for (const f of federation.followers) f.faults.clear();
        const s = summarise(run.samples);
        remote.set(system.name, s);
        row(`every follower at ${REMOTE_MS} ms`, system.name, `p50 (${s.count} writes${run.lost > 0 ? `, ${run.lost} lost` : ''})`, ms(s.p50));
        row(`every follower at ${REMOTE_MS} ms`, system.name, 'p99', ms(s.p99));
      }

      // Outage: all four at once, each on its own object; follower1 refuses connections for 30 s.
      const values = new Map<SystemName, number>();
      for (const system of started.systems) await seed(bench, system.namespace, 'outage', 60_000);
      await slowOne.stop();
      const downAt = performance.now();
      for (const system of started.systems) {
        const value = bench.next();
        values.set(system.name, value);
        await federation.kube(federation.leader.name).mergePatch(`/apis/amko.vmware.com/v1alpha1/namespaces/${system.namespace}/gslbconfigs/outage`, { spec: { refreshInterval: value } });
      }
      await Promise.all(started.systems.map((system) => arrivals.until(system.namespace, 'outage', values.get(system.name) ?? 0, otherNames, DOWN_MS)));
      await sleep(Math.max(0, DOWN_MS - (performance.now() - downAt)));
      await slowOne.start();
      const upAt = performance.now();
      const converged = await Promise.all(started.systems.map((system) => arrivals.until(system.namespace, 'outage', values.get(system.name) ?? 0, [slowOne.name], CONVERGE_MS)));
      started.systems.forEach((system, i) => {
        const at = converged[i];
        row(`${slowOne.name} down ${(DOWN_MS / 1000).toFixed(0)} s`, system.name, 'converged after restart', at === undefined ? `not converged within ${CONVERGE_MS / 1000} s` : ms(at - upAt));
      });

      const ratios = (what: string, figures: Map<SystemName, Summary>, pick: 'p50' | 'p99'): string[] => {
        const value = (name: SystemName): number => figures.get(name)?.[pick] ?? Number.NaN;
        const fed = { name: SYSTEMS.amkoFederation, value: value(SYSTEMS.amkoFederation) };
        return [
          ratioLine(`${what} ${pick}`, { name: SYSTEMS.amkoStyle, value: value(SYSTEMS.amkoStyle) }, fed),
          ratioLine(`${what} ${pick}`, { name: SYSTEMS.kubectlLoop, value: value(SYSTEMS.kubectlLoop) }, fed),
          ...(what === 'latency' ? [ratioLine(`${what} ${pick}`, fed, { name: SYSTEMS.floor, value: value(SYSTEMS.floor) })] : []),
        ];
      };
      const applies = (name: SystemName) => ({ name, value: rate.get(name) ?? Number.NaN });
      notes.push(
        `load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${started.kubectlLoop.invocations} kubectl runs (${started.kubectlLoop.failures} failed)`,
        ...ratios('latency', latency, 'p50'),
        perRoundLine('latency p50', SYSTEMS.amkoFederation, SYSTEMS.floor, perRoundRatios(measured.get(SYSTEMS.amkoFederation)?.rounds ?? [], measured.get(SYSTEMS.floor)?.rounds ?? [])),
        ...ratios('latency', latency, 'p99'),
        ...ratios('slow-follower latency', slow, 'p50'),
        ...ratios('slow-follower latency', slow, 'p99'),
        ...ratios('remote-followers latency', remote, 'p50'),
        ...ratios('remote-followers latency', remote, 'p99'),
        ratioLine('applies/s', applies(SYSTEMS.amkoFederation), applies(SYSTEMS.amkoStyle)),
        ratioLine('applies/s', applies(SYSTEMS.amkoFederation), applies(SYSTEMS.kubectlLoop)),
        ratioLine('applies/s', applies(SYSTEMS.floor), applies(SYSTEMS.amkoFederation)),
        '',
        ...renderTable(rows),
      );
      const errors = started.errors();
      if (errors !== '') notes.push('', 'last errors the baselines reported:', ...errors.trim().split('\n').slice(-5));
      const p50Of = (name: SystemName): number => latency.get(name)?.p50 ?? Number.NaN;
      const overFloor: TargetFigure = {
        what: 'latency p50 amko-federation / floor (same run, interleaved)',
        measured: p50Of(SYSTEMS.amkoFederation) / p50Of(SYSTEMS.floor),
        unit: 'x',
        bound: 1.5,
        direction: 'at most',
        decimals: 2,
      };
      return { scenario: 'baselines', figures: [overFloor], notes } satisfies ScenarioResult;
    } finally {
      for (const f of federation.followers) f.faults.clear();
      arrivals.stop();
      await started.stop();
      await federation.stop();
    }
  },
};
