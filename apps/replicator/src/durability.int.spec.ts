import { AVI_SYSTEM_NAMESPACE, type ObjectKey } from '@amko-fed/domain';
import { startTestRedis, type TestRedis } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GC_KEY, gslbConfig, replicatorFixture, specOf, type ReplicatorFixture } from '../test/fixture.ts';

const OBJECTS = Array.from({ length: 10 }, (_, i) => `gc-${i + 1}`);
const keyOf = (name: string): ObjectKey => `GSLBConfig/${AVI_SYSTEM_NAMESPACE}/${name}`;

describe('durability', () => {
  describe('when Redis (appendonly yes) restarts with jobs pending', () => {
    let redis: TestRedis;
    let fx: ReplicatorFixture;

    beforeAll(async () => {
      redis = await startTestRedis({ appendOnly: true });
      fx = await replicatorFixture({ followers: ['follower1'], redisUrl: redis.url });
    });
    afterAll(async () => {
      await fx.close();
      await redis.dispose();
    });

    it('loses none of them', async () => {
      // An invalid member keeps its queue but has no worker: the jobs stay pending.
      await fx.publishMembers({ follower1: 'invalid' });
      const replicator = await fx.startReplicator();
      for (const name of OBJECTS) await fx.upsert(gslbConfig(OBJECTS.indexOf(name) + 1, name));
      expect((await fx.queues.counts('follower1')).waiting).toBe(OBJECTS.length);

      await redis.restart();
      await eventually(() => replicator.health(), (h) => h.ready, 20_000, 'replicator ready after the Redis restart');
      expect((await fx.queues.counts('follower1')).waiting).toBe(OBJECTS.length);

      await fx.publishMembers();
      const intervals = await eventually(
        () => Promise.all(OBJECTS.map(async (name) => specOf(await fx.followerObject('follower1', keyOf(name)))?.['refreshInterval'])),
        (all) => all.every((v, i) => v === i + 1),
      );
      expect(intervals).toEqual(OBJECTS.map((_, i) => i + 1));
    });
  });

  describe('when shutdown meets an apply that never returns', () => {
    let fx: ReplicatorFixture;

    beforeAll(async () => {
      fx = await replicatorFixture({ followers: ['follower1'] });
      await fx.publishMembers();
    });
    afterAll(() => fx.close());

    it('stops within its bound and the interrupted job is retried later', async () => {
      const follower = fx.follower('follower1');
      follower.faults.set({ hang: { verbs: ['get'], resources: ['gslbconfigs'] } });
      // The request timeout is longer than this test's own timeout: only the bound can end stop().
      const replicator = await fx.startReplicator({ SHUTDOWN_TIMEOUT: '300ms', KUBE_REQUEST_TIMEOUT: '120s' });
      await fx.upsert(gslbConfig(42));
      await eventually(() => fx.queues.counts('follower1'), (c) => c.active === 1);

      await replicator.stop();
      const after = await fx.queues.counts('follower1');
      expect(after.active).toBe(0);
      expect(after.delayed + after.waiting).toBe(1);
      expect(fx.logs.text()).toContain('Active jobs did not finish in time; interrupting them');

      follower.faults.clear();
      await fx.startReplicator();
      await eventually(async () => specOf(await fx.followerObject('follower1', GC_KEY))?.['refreshInterval'], (v) => v === 42);
    }, 20_000);
  });
});
