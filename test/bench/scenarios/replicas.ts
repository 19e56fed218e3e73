/**
 * Replicas: the throughput workload worked off by 1, 2 and 3 replicator processes sharing the
 * follower queues (issue #11, part 5). Each count gets its own federation (no watcher): creates,
 * then updates of every object. Prints jobs/s and follower writes (objects applied) per second.
 * On a small machine every process shares the same cores, so more replicas are not expected to
 * scale linearly here; the figures show what they cost or gain on this machine.
 */
import { startFederation, type Federation } from '@amko-fed/testing';
import { workOff, type WorkOff } from '../support/federation-clients.ts';
import type { TargetFigure } from '../support/figures.ts';
import type { Scenario } from './scenario.ts';

const FOLLOWERS = 10;
const OBJECTS = 500;
const REPLICAS = [1, 2, 3] as const;

/** Successful writes the followers received since their logs were cleared (objects applied). */
const followerWrites = (federation: Federation): number =>
  federation.followers.reduce((n, f) => n + f.requestLog.writes({ resource: 'gslbconfigs' }).filter((e) => e.status >= 200 && e.status < 300).length, 0);

interface Round {
  readonly work: WorkOff;
  readonly writes: number;
}

async function round(federation: Federation, number: number): Promise<Round> {
  for (const f of federation.followers) f.requestLog.clear();
  const work = await workOff(federation, OBJECTS, number);
  return { work, writes: followerWrites(federation) };
}

export const replicas: Scenario = {
  name: 'replicas',
  describe: `${OBJECTS} objects × ${FOLLOWERS} followers enqueued at once, worked off by ${REPLICAS.join(', ')} replicator processes sharing the queues: creates, then updates`,
  async run(context) {
    const figures: TargetFigure[] = [];
    const notes: string[] = [];
    for (const count of REPLICAS) {
      const federation = await context.track(startFederation({ followers: FOLLOWERS, logLevel: 'warn', ...context.apps, watcher: false }));
      try {
        for (let i = 1; i < count; i += 1) await federation.addReplica('replicator', { id: `r${i + 1}`, env: context.apps.replicator.env });
        const rounds = [await round(federation, 1), await round(federation, 2)];
        const rates = rounds.map((r) => r.work.applies / r.work.seconds);
        const writeRates = rounds.map((r) => r.writes / r.work.seconds);
        context.progress(`${count} replica(s): ${rates.map((r) => r.toFixed(0)).join(' / ')} jobs/s`);
        figures.push({
          what: `sustained follower-applies/s, ${count} replicator${count > 1 ? 's' : ''} (${OBJECTS} objects × ${FOLLOWERS} followers)`,
          measured: Math.min(...rates),
          unit: '/s',
          bound: 1_000,
          direction: 'at least',
          how: `slower of two rounds of ${OBJECTS * FOLLOWERS} jobs (creates, updates), ${count} replicator process${count > 1 ? 'es' : ''} sharing the queues, no watcher`,
        });
        const failed = rounds.reduce((n, r) => n + r.work.failed, 0);
        notes.push(
          `${count} replica(s): creates ${rates[0]?.toFixed(0)} jobs/s, ${writeRates[0]?.toFixed(0)} objects applied/s (${rounds[0]?.writes} writes in ${rounds[0]?.work.seconds.toFixed(1)} s); ` +
            `updates ${rates[1]?.toFixed(0)} jobs/s, ${writeRates[1]?.toFixed(0)} objects applied/s (${rounds[1]?.writes} writes in ${rounds[1]?.work.seconds.toFixed(1)} s); ` +
            `first replica ${rounds[1]?.work.replicatorCpuPercent.toFixed(0)}% of a core${failed > 0 ? `; ${failed} jobs failed` : ''}`,
        );
      } finally {
        await federation.stop();
      }
    }
    return { scenario: 'replicas', figures, notes };
  },
};
