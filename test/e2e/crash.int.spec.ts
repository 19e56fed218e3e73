/**
 * kill -9 of the replicator in the middle of a burst: the job it held is recovered as stalled by
 * the restarted process (lock 5 s, stalled check every 1 s) and every follower converges to the
 * leader's last state. The watcher's resync is slow here (5 min), so convergence cannot come from
 * a resync.
 */
import { isolatedPrefix, startFederation, type Federation } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collectionOf, eventually, GC, gslbConfigBody, pathOf, specOn } from './support.ts';

const FOLLOWERS = ['follower1', 'follower2'];
let federation: Federation;

beforeAll(async () => {
  federation = await startFederation({
    followers: FOLLOWERS,
    redisUrl: inject('redisUrl'),
    prefix: isolatedPrefix('crash'),
    watcher: { env: { RESYNC_INTERVAL: '5m', STATUS_DEBOUNCE: '100ms' } },
  });
  await federation.kube('leader').create(collectionOf(GC), gslbConfigBody(1));
  await eventually(() => Promise.all(FOLLOWERS.map(async (c) => (await specOn(federation, c, GC))?.['refreshInterval'])), (all) => all.every((v) => v === 1));
}, 60_000);

afterAll(() => federation?.stop());

describe('replicator crash', () => {
  describe('when the replicator is killed with -9 during a burst', () => {
    it('converges every follower after the restart, recovering the job it held', async () => {
      // Slow follower writes, so that the replicator is in the middle of an apply when it dies.
      for (const cluster of FOLLOWERS) federation.cluster(cluster).faults.set({ latencyByVerb: { update: 300 } });
      const replicator = federation.app('replicator');
      const leader = federation.kube('leader');
      const LAST = 60;
      for (let i = 2; i <= LAST; i += 1) {
        await leader.mergePatch(pathOf(GC), { spec: { refreshInterval: i } });
        if (i === 20) {
          await eventually(() => federation.cluster('follower1').requestLog.entries({ verb: 'update', resource: GC.plural }).length, (n) => n > 0);
          const exit = await replicator.kill('SIGKILL');
          expect(exit?.signal).toBe('SIGKILL');
        }
      }
      for (const cluster of FOLLOWERS) federation.cluster(cluster).faults.clear();
      await replicator.start();
      await eventually(
        () => Promise.all(FOLLOWERS.map(async (c) => (await specOn(federation, c, GC))?.['refreshInterval'])),
        (all) => all.every((v) => v === LAST),
        30_000,
        'every follower at the last state',
      );
      expect(replicator.exits.map((e) => e.signal)).toEqual(['SIGKILL']);
      expect(await replicator.logs()).toContain('Recovered a job whose worker stopped (stalled)');
    }, 60_000);
  });
});
