/**
 * Burst: 100 updates to one object on the leader, back to back, through the watcher and replicator
 * processes; once every follower holds the last state, each follower's emulator request log says
 * how many writes (PUT/POST/PATCH/DELETE) that object cost there.
 */
import { amkoPath, startFederation } from '@amko-fed/testing';
import { AVI_SYSTEM, GSLB_CONFIGS, gslbConfig } from '../support/federation-clients.ts';
import { waitFor } from '../support/stats.ts';
import type { Scenario } from './scenario.ts';

const FOLLOWERS = 10;
const UPDATES = 100;
const PATH = amkoPath('v1alpha1', 'gslbconfigs', AVI_SYSTEM, 'gc-burst');

export const burst: Scenario = {
  name: 'burst',
  describe: `${UPDATES} back-to-back leader updates of one object, writes per follower from the emulators' request logs (${FOLLOWERS} followers)`,
  async run(context) {
    const federation = await context.track(startFederation({ followers: FOLLOWERS, logLevel: 'warn', ...context.apps }));
    try {
      const leader = federation.kube(federation.leader.name);
      const refreshIntervals = () => Promise.all(federation.followers.map(async (f) => (await federation.kube(f.name).get(PATH))?.['spec'] as { refreshInterval?: number } | undefined));
      await leader.create(GSLB_CONFIGS, gslbConfig('gc-burst', 1));
      await waitFor(refreshIntervals, (all) => all.every((s) => s?.refreshInterval === 1), 30_000, 'the object on every follower');
      for (const f of federation.followers) f.requestLog.clear();

      const started = performance.now();
      for (let i = 2; i <= UPDATES + 1; i += 1) await leader.mergePatch(PATH, { spec: { refreshInterval: i } });
      const written = performance.now();
      await waitFor(refreshIntervals, (all) => all.every((s) => s?.refreshInterval === UPDATES + 1), 30_000, 'the last state on every follower', 20);
      const converged = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // a late extra write would still be counted
      const writes = federation.followers.map((f) => f.requestLog.writes({ resource: 'gslbconfigs', name: 'gc-burst' }).length);
      const max = Math.max(...writes);
      return {
        scenario: 'burst',
        figures: [{
          what: `applies per follower for a burst of ${UPDATES} updates to one object`,
          measured: max,
          unit: 'writes',
          bound: 3,
          direction: 'at most',
          how: `the most writes any of ${FOLLOWERS} followers received (emulator request logs)`,
        }],
        notes: [
          `writes per follower: ${writes.join(', ')} (mean ${(writes.reduce((a, b) => a + b, 0) / writes.length).toFixed(1)})`,
          `${UPDATES} leader updates took ${(written - started).toFixed(0)} ms; every follower had the last state ${(converged - written).toFixed(0)} ms after the last one`,
        ],
      };
    } finally {
      await federation.stop();
    }
  },
};
