/**
 * Scenario 1: kill -9 of the replicator, again and again, while the leader updates the objects.
 * Each round: updates while it runs (so it holds jobs), kill -9, more updates while it is dead,
 * start it again. Stalled jobs must be recovered, and jobs queued meanwhile applied, in order.
 */
import type { ChaosScenario } from './scenario.ts';

export const replicatorKill: ChaosScenario = {
  name: 'replicator-kill',
  fault: (p) => `kill -9 replicator x${p.replicatorKills} during ${p.replicatorUpdates} updates of ${p.rules + 2} objects`,
  async run({ federation, profile, workload, revive, progress }) {
    const replicator = federation.app('replicator');
    const perRound = Math.ceil(profile.replicatorUpdates / profile.replicatorKills);
    for (let round = 1; round <= profile.replicatorKills; round += 1) {
      const left = profile.replicatorUpdates - workload.done.updates;
      const now = Math.min(perRound, left);
      await workload.updates(Math.ceil(now / 2));
      await replicator.kill('SIGKILL');
      await workload.updates(Math.floor(now / 2));
      await revive(replicator);
      if (round % 5 === 0) progress(`${round} kills, ${workload.done.updates} updates`);
    }
  },
};
