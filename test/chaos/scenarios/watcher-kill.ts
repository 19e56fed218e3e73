/**
 * Scenario 2: two watcher replicas share the Lease; the one holding it is killed with -9 again and
 * again while the leader updates the objects. Each round: updates, kill -9 of the Lease holder,
 * more updates while no watcher leads, then the other replica takes over once the Lease expired,
 * and only then the killed one is started again (as the standby the next round kills after its own
 * takeover). Changes made while nobody watched must be caught by the new leader's start-up resync.
 */
import type { AppProcess } from '@amko-fed/testing';
import type { ChaosContext, ChaosScenario } from './scenario.ts';

/** The replica whose /readyz says it holds the Lease (undefined while none does). */
async function leading(watchers: readonly AppProcess[]): Promise<AppProcess | undefined> {
  for (const watcher of watchers) {
    if (!watcher.running) continue;
    try {
      const response = await fetch(`${watcher.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      const body = (await response.json()) as { checks?: { name?: string; detail?: string }[] };
      if (body.checks?.some((c) => c.name === 'lease' && c.detail === 'leading')) return watcher;
    } catch {
      // not answering: not leading
    }
  }
  return undefined;
}

async function untilLeading(context: ChaosContext, watchers: readonly AppProcess[]): Promise<AppProcess> {
  const until = performance.now() + context.profile.convergeDeadlineMs;
  for (;;) {
    const leader = await leading(watchers);
    if (leader !== undefined) return leader;
    if (performance.now() > until) throw new Error(`no watcher replica held the Lease within ${context.profile.convergeDeadlineMs} ms`);
    await context.hold(100);
  }
}

export const watcherKill: ChaosScenario = {
  name: 'watcher-kill',
  fault: (p) => `kill -9 Lease-holding watcher (2 replicas) x${p.watcherKills} during ${p.watcherUpdates} updates`,
  async run(context) {
    const { federation, profile, workload, supervisor, revive, progress } = context;
    const second = await federation.addReplica('watcher', { id: '1' });
    supervisor.add(second);
    const watchers = [federation.app('watcher'), second];
    const perRound = Math.ceil(profile.watcherUpdates / profile.watcherKills);
    const holders: string[] = [];
    for (let round = 1; round <= profile.watcherKills; round += 1) {
      const holder = await untilLeading(context, watchers);
      holders.push(holder.name);
      const now = Math.min(perRound, profile.watcherUpdates - workload.done.updates);
      await workload.updates(Math.ceil(now / 2));
      await holder.kill('SIGKILL');
      await workload.updates(Math.floor(now / 2));
      await untilLeading(context, watchers);
      await revive(holder);
      if (round % 5 === 0) progress(`${round} kills, ${workload.done.updates} updates`);
    }
    const last = await untilLeading(context, watchers);
    progress(`Lease holders killed: ${holders.join(', ')}; now led by ${last.name}`);
  },
};
