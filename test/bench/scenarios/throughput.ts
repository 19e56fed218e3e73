/**
 * Throughput: the replicator process alone (no watcher) works off 1,000 objects × 10 followers
 * enqueued at once, twice: creates, then updates of every object. The judged figure is the slower
 * of the two rounds (10,000 follower-applies each).
 */
import { startFederation } from '@amko-fed/testing';
import { workOff } from '../support/federation-clients.ts';
import type { Scenario } from './scenario.ts';

const FOLLOWERS = 10;
const OBJECTS = 1_000;

export const throughput: Scenario = {
  name: 'throughput',
  describe: `${OBJECTS} objects × ${FOLLOWERS} followers enqueued at once, replicator process alone: creates, then updates`,
  async run(context) {
    const federation = await context.track(startFederation({ followers: FOLLOWERS, logLevel: 'warn', ...context.apps, watcher: false }));
    try {
      const creates = await workOff(federation, OBJECTS, 1);
      context.progress(`creates: ${(creates.applies / creates.seconds).toFixed(0)} applies/s`);
      const updates = await workOff(federation, OBJECTS, 2);
      const rate = (w: typeof creates): number => w.applies / w.seconds;
      const line = (label: string, w: typeof creates): string =>
        `${label}: ${rate(w).toFixed(0)} follower-applies/s (${w.applies} in ${w.seconds.toFixed(1)} s), replicator ${w.replicatorCpuMsPerApply.toFixed(2)} ms CPU per apply (${w.replicatorCpuPercent.toFixed(0)}% of a core)${w.failed > 0 ? `, ${w.failed} jobs failed` : ''}`;
      return {
        scenario: 'throughput',
        figures: [{
          what: `sustained follower-applies/s (${OBJECTS} objects × ${FOLLOWERS} followers)`,
          measured: Math.min(rate(creates), rate(updates)),
          unit: '/s',
          bound: 1_000,
          direction: 'at least',
          how: 'slower of two rounds of 10,000 applies (creates, updates), replicator process alone',
        }],
        notes: [line('creates', creates), line('updates', updates)],
      };
    } finally {
      await federation.stop();
    }
  },
};
