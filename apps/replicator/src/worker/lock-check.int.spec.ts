/**
 * The lock check before a write (ADR 0009), with real BullMQ and Redis: while an attempt waits for
 * a slow follower, another replicator "takes the job over" (the job's lock now holds another
 * token, as after this process stalled past its lock and the stalled check handed the job on).
 * The attempt must not write; the job is recovered as stalled once that foreign lock expires and
 * then applied exactly once.
 */
import { createRedisConnection } from '@amko-fed/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GC_KEY, gslbConfig, replicatorFixture, specOf, type ReplicatorFixture } from '../../test/fixture.ts';

const CLUSTER = 'follower1';
let fx: ReplicatorFixture;

beforeAll(async () => {
  fx = await replicatorFixture({ followers: [CLUSTER] });
  await fx.publishMembers();
  await fx.startReplicator();
});
afterAll(() => fx.close());

describe('the job lock check before a follower write', () => {
  describe('when another replicator holds the job\'s lock by the time the attempt would write', () => {
    it('writes nothing and records nothing; the job is applied once after its recovery', async () => {
      const follower = fx.follower(CLUSTER);
      // Every GET takes 1.5 s: the fence check and the object GET come before the write.
      follower.faults.set({ latencyByVerb: { get: 1_500 } });
      await fx.upsert(gslbConfig(77), [CLUSTER]);
      const queue = fx.queues.queue(CLUSTER);
      const [job] = await eventually(() => queue.getActive(), (jobs) => jobs.length === 1, 30_000, 'the job active');
      const redis = createRedisConnection(fx.redisUrl, { role: 'client' });
      try {
        await redis.set(`${queue.toKey(job?.id ?? '')}:lock`, 'token-of-another-replicator', 'PX', 3_000);
      } finally {
        await redis.quit();
      }

      await eventually(() => fx.logs.text(), (text) => text.includes('Lost the job to another replicator before writing'), 30_000, 'the lost lock noticed');
      expect(fx.writesOn(CLUSTER, GC_KEY)).toBe(0);
      expect(await fx.result(CLUSTER, GC_KEY)).toBeUndefined();
      follower.faults.clear();

      await eventually(async () => specOf(await fx.followerObject(CLUSTER, GC_KEY))?.['refreshInterval'], (v) => v === 77, 60_000, 'applied after the recovery');
      await eventually(() => fx.result(CLUSTER, GC_KEY), (r) => r?.outcome === 'created', 30_000, 'the result recorded');
      expect(fx.writesOn(CLUSTER, GC_KEY)).toBe(1);
      expect(fx.logs.text()).toContain('Recovered a job whose worker stopped (stalled)');
    }, 120_000);
  });
});
