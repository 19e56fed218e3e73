/**
 * The chaos suite's short profile in CI (the full one is `npm run chaos`; see docs/reliability.md).
 * Every scenario runs a whole federation with the watcher and the replicator as processes, a
 * private redis-server and emulated clusters with fault injection, and must end with every follower
 * equal to the leader, nothing lost or regressed, no process crash and every condition of the
 * leader's AMKOCluster reporting success. Convergence is polled up to a generous deadline; the time
 * it took is printed, never asserted.
 */
import { describe, expect, it } from 'vitest';
import { SHORT } from './profiles.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { renderDetails, renderTable } from './support/report.ts';
import { runScenario, type ChaosOutcome } from './support/run-scenario.ts';

/** Startup, the fault, the convergence deadline, and room for a busy machine. */
const SCENARIO_TIMEOUT_MS = 6 * 60_000;

const byName = (name: string) => {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (scenario === undefined) throw new Error(`no chaos scenario ${name}`);
  return scenario;
};

async function run(name: string): Promise<ChaosOutcome> {
  const outcome = await runScenario(byName(name), SHORT);
  process.stdout.write(`${renderTable([outcome])}\n${renderDetails(outcome)}\n`);
  return outcome;
}

/** What a passing scenario shows: the row's figures and no failure reasons (the reasons carry the evidence). */
function expectRecovered(outcome: ChaosOutcome): void {
  // failures lists every reason (not converged, lost, regressed, crashes, stale conditions); the
  // details name the objects, followers, exits and conditions behind them.
  expect({ failures: outcome.failures, details: renderDetails(outcome) }).toEqual({ failures: [], details: '' });
  expect(outcome.convergedMs).toBeDefined();
  // The observer saw the followers change, so "no regression" is not "nothing observed".
  expect(outcome.followerChanges).toBeGreaterThan(0);
}

describe('chaos (short profile)', () => {
  describe('when the replicator is killed with -9 again and again during updates', () => {
    it('converges every follower with nothing lost or regressed', async () => {
      expectRecovered(await run('replicator-kill'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when the Lease-holding watcher of two replicas is killed with -9 again and again', () => {
    it('converges every follower with nothing lost or regressed', async () => {
      expectRecovered(await run('watcher-kill'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when Redis is killed with -9 and comes back with its AOF', () => {
    it('converges every follower with nothing lost or regressed', async () => {
      expectRecovered(await run('redis-kill-aof'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when Redis is killed with -9 and comes back empty (data loss)', () => {
    it('converges every follower, deletes included, and reports no stale failure', async () => {
      expectRecovered(await run('redis-kill-empty'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when both apps start while Redis is down', () => {
    it('waits for Redis without crashing and converges every follower', async () => {
      expectRecovered(await run('redis-down-at-start'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when a follower is down while the leader changes', () => {
    it('converges it once it is back', async () => {
      expectRecovered(await run('follower-down'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when a follower answers every request with 503', () => {
    it('converges it once the storm ends', async () => {
      expectRecovered(await run('storm-503'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when a follower answers every request with 429', () => {
    it('converges it once the storm ends', async () => {
      expectRecovered(await run('storm-429'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when every request to a follower hangs', () => {
    it('converges it once the storm ends', async () => {
      expectRecovered(await run('storm-hang'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when a follower answers only its writes with 503', () => {
    it('keeps retrying and converges it once the storm ends', async () => {
      expectRecovered(await run('write-storm-503'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when the leader deletes objects while the replicator is dead', () => {
    it('deletes them on every follower once it is back', async () => {
      expectRecovered(await run('deletes-while-dead'));
    }, SCENARIO_TIMEOUT_MS);
  });

  describe('when the scenarios are listed', () => {
    it('has a test above for every one of them', () => {
      expect(SCENARIOS.map((s) => s.name)).toEqual([
        'replicator-kill',
        'watcher-kill',
        'redis-kill-aof',
        'redis-kill-empty',
        'redis-down-at-start',
        'follower-down',
        'storm-503',
        'storm-429',
        'storm-hang',
        'write-storm-503',
        'deletes-while-dead',
      ]);
    });
  });
});
