/**
 * A follower back from an outage converges within 5 s (ARCHITECTURE §7), with no change on the
 * leader. What a 60 s outage leaves behind is jobs sleeping in a backoff delay longer than the
 * 5 s budget. With RETRY_BASE 100ms and the jitter pinned to its ceiling, the seventh retry is
 * scheduled 6.4 s out after about 6 s of outage; the test waits until such a delay is scheduled
 * (checked, not assumed), so the shorter outage puts the follower in the same state a 60 s one
 * would, without spending a minute of CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GC_KEY, GDP_KEY, gdp, gslbConfig, replicatorFixture, specOf, type ReplicatorFixture } from '../../test/fixture.ts';

const FOLLOWERS = ['follower1', 'follower2'];
const CONVERGE_BUDGET_MS = 5_000;
let fx: ReplicatorFixture;

beforeAll(async () => {
  fx = await replicatorFixture({ followers: FOLLOWERS });
  await fx.publishMembers();
  // Jitter at its ceiling: delays are exactly 100 ms · 2^(n-1), capped at 60 s.
  await fx.startReplicator({ RETRY_BASE: '100ms', RETRY_CAP: '60s', RETRY_ATTEMPTS: '30', KUBE_REQUEST_TIMEOUT: '1s' }, { random: () => 0.999999 });
  await fx.upsert(gslbConfig(1));
  await eventually(() => Promise.all(FOLLOWERS.map((c) => fx.result(c, GC_KEY))), (all) => all.every((r) => r?.outcome === 'created'));
});
afterAll(() => fx.close());

describe('catch-up after an outage', () => {
  describe('when a follower comes back while its jobs sleep in backoff', () => {
    it('converges within 5 s without any change on the leader', async () => {
      const down = fx.follower('follower1');
      await down.stop();
      await fx.upsert(gslbConfig(2));
      await fx.upsert(gdp(300));
      await eventually(async () => specOf(await fx.followerObject('follower2', GDP_KEY))?.['ttl'], (v) => v === 300);

      const queue = fx.queues.queue('follower1');
      await eventually(
        async () => (await queue.getDelayed()).map((job) => job.delay),
        (delays) => delays.length > 0 && delays.every((d) => d > CONVERGE_BUDGET_MS),
        30_000,
        'every job of follower1 sleeping longer than the 5 s budget',
      );
      expect((await fx.result('follower1', GC_KEY))?.errorCode).toBe('UNAVAILABLE');

      const leaderSeq = await fx.log.latestSeq();
      await down.start();
      await eventually(
        async () => [specOf(await fx.followerObject('follower1', GC_KEY))?.['refreshInterval'], specOf(await fx.followerObject('follower1', GDP_KEY))?.['ttl']],
        ([interval, ttl]) => interval === 2 && ttl === 300,
        CONVERGE_BUDGET_MS,
        'follower1 converged',
      );
      expect(await fx.log.latestSeq()).toBe(leaderSeq);
    }, 60_000);
  });
});
