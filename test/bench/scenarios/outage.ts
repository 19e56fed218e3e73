/**
 * Outage: a follower's API server is stopped while the leader changes objects, then started again;
 * the figure is how long the follower takes to hold the leader's state, with no change on the
 * leader. Watcher and replicator as processes. Two kinds of outage:
 *
 *  - backoff: the follower stays down until every one of its jobs sleeps in a retry backoff that
 *    ends more than 5 s later (read from BullMQ's delayed set, not assumed). The watcher's member
 *    checks are set 10 minutes apart so that only the replicator's backoff and catch-up are at
 *    play; RETRY_BASE 100ms only shortens the wait for long backoffs.
 *  - member invalid: default settings; the follower stays down until the watcher's periodic
 *    member check (MEMBER_CHECK_INTERVAL, 30 s) marks it invalid and the replicator stops its
 *    worker, which is what any outage longer than that interval leads to.
 */
import { amkoPath, startFederation, type Federation } from '@amko-fed/testing';
import type { TargetFigure } from '../support/figures.ts';
import { AVI_SYSTEM, GSLB_CONFIGS, federationClients, gslbConfig, type FederationClients } from '../support/federation-clients.ts';
import { waitFor } from '../support/stats.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';

const OBJECTS = 5;
const BUDGET_MS = 5_000;
const names = Array.from({ length: OBJECTS }, (_, i) => `gc-outage-${i}`);

interface Outage {
  readonly figure: TargetFigure;
  readonly notes: readonly string[];
}

/** Objects on every follower, follower1 down, leader changes, `waitDown`, follower1 up: time to converge. */
async function outageOf(federation: Federation, clients: FederationClients, waitDown: () => Promise<string>, what: string): Promise<Outage> {
  const leader = federation.kube(federation.leader.name);
  const [down, ...up] = federation.followers;
  if (down === undefined) throw new Error('no follower');
  const intervalsOn = (cluster: string) =>
    Promise.all(names.map(async (n) => ((await federation.kube(cluster).get(amkoPath('v1alpha1', 'gslbconfigs', AVI_SYSTEM, n)))?.['spec'] as { refreshInterval?: number } | undefined)?.refreshInterval));
  for (const name of names) await leader.create(GSLB_CONFIGS, gslbConfig(name, 1));
  for (const f of federation.followers) await waitFor(() => intervalsOn(f.name), (all) => all.every((v) => v === 1), 30_000, `the objects on ${f.name}`);

  await down.stop();
  const stoppedAt = performance.now();
  for (const name of names) await leader.mergePatch(amkoPath('v1alpha1', 'gslbconfigs', AVI_SYSTEM, name), { spec: { refreshInterval: 2 } });
  for (const f of up) await waitFor(() => intervalsOn(f.name), (all) => all.every((v) => v === 2), 30_000, `the new state on ${f.name}`);
  const state = await waitDown();
  const downForS = (performance.now() - stoppedAt) / 1000;

  const seq = await clients.log.latestSeq();
  await down.start();
  const startedAt = performance.now();
  await waitFor(() => intervalsOn(down.name), (all) => all.every((v) => v === 2), 120_000, `the leader's state on ${down.name}`, 20);
  const convergedMs = performance.now() - startedAt;
  const leaderUnchanged = (await clients.log.latestSeq()) === seq;
  return {
    figure: { what: `convergence after an outage (${what})`, measured: convergedMs, unit: 'ms', bound: BUDGET_MS, direction: 'at most', how: state },
    notes: [`${what}: outage of ${downForS.toFixed(1)} s; converged ${convergedMs.toFixed(0)} ms after the restart${leaderUnchanged ? ' (no change on the leader meanwhile)' : ''}`],
  };
}

async function backoff(context: ScenarioContext): Promise<Outage> {
  const federation = await context.track(startFederation({
    followers: 3,
    logLevel: 'warn',
    watcher: { env: { ...context.apps.watcher.env, MEMBER_CHECK_INTERVAL: '10m' } },
    replicator: { env: { ...context.apps.replicator.env, RETRY_BASE: '100ms', RETRY_ATTEMPTS: '40' } },
  }));
  const clients = federationClients(federation);
  try {
    const down = federation.followers[0]?.name ?? '';
    const queue = clients.queues.queue(down);
    const sleeps = async (): Promise<number[]> => {
      const jobs = await queue.getDelayed();
      const scores = await Promise.all(jobs.map((job) => clients.redis.zscore(queue.keys['delayed'] ?? '', job.id ?? '')));
      return scores.map((score) => Math.floor(Number(score) / 0x1000) - Date.now());
    };
    return await outageOf(federation, clients, async () => {
      const left = await waitFor(sleeps, (s) => s.length === OBJECTS && s.every((ms) => ms > BUDGET_MS), 120_000, `every job of ${down} backing off beyond ${BUDGET_MS} ms`, 100);
      return `restarted while all ${OBJECTS} jobs of the follower slept ${(Math.min(...left) / 1000).toFixed(1)}–${(Math.max(...left) / 1000).toFixed(1)} s more`;
    }, 'jobs in backoff > 5 s');
  } finally {
    await clients.close();
    await federation.stop();
  }
}

async function memberInvalid(context: ScenarioContext): Promise<Outage> {
  const federation = await context.track(startFederation({ followers: 3, logLevel: 'warn', ...context.apps }));
  const clients = federationClients(federation);
  try {
    const down = federation.followers[0]?.name ?? '';
    return await outageOf(federation, clients, async () => {
      await waitFor(async () => (await clients.registry.readMembers())?.members.find((m) => m.cluster === down)?.state, (state) => state === 'invalid', 90_000, `the watcher marking ${down} invalid`, 100);
      return 'restarted once the watcher had marked the member invalid (default MEMBER_CHECK_INTERVAL)';
    }, 'member marked invalid');
  } finally {
    await clients.close();
    await federation.stop();
  }
}

export const outage: Scenario = {
  name: 'outage',
  describe: `a follower down while the leader changes ${OBJECTS} objects, then up: time until it holds the leader's state (jobs backed off > 5 s; member marked invalid)`,
  async run(context) {
    const first = await backoff(context);
    context.progress(first.notes.join('; '));
    const second = await memberInvalid(context);
    return { scenario: 'outage', figures: [first.figure, second.figure], notes: [...first.notes, ...second.notes] };
  },
};
