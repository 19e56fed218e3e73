/**
 * Follow-up writer: a leader writer that changes an object again as soon as every follower holds
 * its last change (a script that waits for the federation, or the baselines' latency loop). Each
 * change is made after the followers were written, so none overlaps an apply, and the burst check
 * (apps/replicator burst-coalescer.ts) should defer none, even those that reach the projection
 * before the replicator has recorded the last result (until 6455a20 it deferred them by
 * `BURST_QUIET`: back to back p90 68.7 ms against ~20 ms since). Two ways of writing, alternated:
 * back to back (the next change as soon as the stores hold the last), and settled (the next change
 * once the results of the last are recorded). Context for the burst check; no target.
 */
import { AVI_SYSTEM, startFederation } from '@amko-fed/testing';
import { watchArrivals } from '../baselines/arrivals.ts';
import { seed, timedWrite, type Bench } from '../baselines/measure.ts';
import { federationClients, watchResults } from '../support/federation-clients.ts';
import { percentile } from '../support/stats.ts';
import type { Scenario } from './scenario.ts';

const FOLLOWERS = 10;
const WARM_UP = 20;
/** Writes per block; two blocks per way of writing, alternated. */
const WRITES = 200;
const NAME = 'gc-follow-up';
const ARRIVED_WITHIN_MS = 30_000;

type Way = 'back to back' | 'settled';

export const followUp: Scenario = {
  name: 'follow-up',
  describe: `a leader writer that changes one object again once its last change is on all ${FOLLOWERS} followers: back to back against after the results are recorded (the burst check's deferrals)`,
  async run(context) {
    const federation = await context.track(startFederation({ followers: FOLLOWERS, logLevel: 'warn', ...context.apps }));
    const clients = federationClients(federation);
    const arrivals = watchArrivals(federation.followers);
    let counter = 1;
    const bench: Bench = { federation, arrivals, next: () => (counter += 1) };
    try {
      const followers = federation.followers.map((f) => f.name);
      // Results recorded for this object (any follower).
      let recorded = 0;
      const results = watchResults(clients, (entry) => {
        if (entry.type === 'result' && entry.record.objectKey.endsWith(`/${NAME}`) && entry.record.outcome !== 'failed') recorded += 1;
      });
      const resultsAtLeast = (count: number): Promise<void> =>
        results.until(() => recorded >= count, ARRIVED_WITHIN_MS, () => `follow-up: ${count - recorded} results of ${NAME} not recorded`);
      const write = async (): Promise<number> => {
        const ms = await timedWrite(bench, AVI_SYSTEM, NAME, followers, ARRIVED_WITHIN_MS);
        if (ms === undefined) throw new Error(`follow-up: a change of ${NAME} not on every follower within ${ARRIVED_WITHIN_MS / 1_000} s`);
        return ms;
      };

      await seed(bench, AVI_SYSTEM, NAME, ARRIVED_WITHIN_MS);
      for (let i = 0; i < WARM_UP; i += 1) await write();
      await resultsAtLeast((WARM_UP + 1) * FOLLOWERS);

      const samples = new Map<Way, number[]>([['back to back', []], ['settled', []]]);
      const applies = new Map<Way, number>([['back to back', 0], ['settled', 0]]);
      for (const way of ['back to back', 'settled', 'back to back', 'settled'] as const) {
        for (const f of federation.followers) f.requestLog.clear();
        for (let i = 0; i < WRITES; i += 1) {
          const before = recorded;
          samples.get(way)?.push(await write());
          if (way === 'settled') await resultsAtLeast(before + FOLLOWERS);
        }
        const writes = federation.followers.reduce((sum, f) => sum + f.requestLog.writes({ resource: 'gslbconfigs', name: NAME }).length, 0);
        applies.set(way, (applies.get(way) ?? 0) + writes);
      }
      await results.stop();
      const notes = (['back to back', 'settled'] as const).map((way) => {
        const sorted = [...(samples.get(way) ?? [])].sort((a, b) => a - b);
        const perChange = (applies.get(way) ?? 0) / (2 * WRITES * FOLLOWERS);
        return `${way}: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p90 ${percentile(sorted, 0.9).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms (${sorted.length} writes until on every follower), ${perChange.toFixed(2)} writes per follower per change`;
      });
      return { scenario: 'follow-up', figures: [], notes };
    } finally {
      arrivals.stop();
      await clients.close();
      await federation.stop();
    }
  },
};
