import { AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE } from '@amko-fed/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GC_KEY, gslbConfig, replicatorFixture, specOf, type ReplicatorFixture } from '../../test/fixture.ts';

const FOLLOWERS = ['follower1', 'follower2'];
const FENCE_TTL_MS = 50;
let fx: ReplicatorFixture;

beforeAll(async () => {
  fx = await replicatorFixture({ followers: FOLLOWERS });
  await fx.publishMembers();
  await fx.startReplicator({ FENCE_CACHE_TTL: `${FENCE_TTL_MS}ms` });
  await fx.upsert(gslbConfig(10));
  await eventually(() => Promise.all(FOLLOWERS.map((c) => fx.result(c, GC_KEY))), (all) => all.every((r) => r?.outcome === 'created'));
});
afterAll(() => fx.close());

async function setLeader(cluster: string, isLeader: boolean): Promise<void> {
  await fx.client(cluster).mergePatch(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, 'amkocluster-federation', { spec: { isLeader } });
  // Let any cached "not a leader" answer expire (not an assertion: the fence TTL is the contract).
  await new Promise((resolve) => setTimeout(resolve, FENCE_TTL_MS * 3));
}

describe('leader fencing', () => {
  describe('when a follower AMKOCluster is switched to leader', () => {
    it('sends that cluster no write, records why, and still updates the others', async () => {
      await setLeader('follower2', true);
      fx.follower('follower2').requestLog.clear();

      await fx.upsert(gslbConfig(20));
      await eventually(async () => specOf(await fx.followerObject('follower1', GC_KEY))?.['refreshInterval'], (v) => v === 20);
      const result = await eventually(() => fx.result('follower2', GC_KEY), (r) => r?.outcome === 'fenced');
      expect(result).toMatchObject({ errorCode: 'FENCED_LEADER', attempts: 1 });
      expect(result?.errorMessage).toBe('refusing to write into cluster follower2: its AMKOCluster says isLeader: true');
      const [failed] = await fx.queues.failedJobs('follower2', { objectKey: GC_KEY });
      expect(failed?.failedReason).toMatch(/^FENCED_LEADER: /);

      expect(fx.follower('follower2').requestLog.writes()).toEqual([]);
      expect(specOf(await fx.followerObject('follower2', GC_KEY))?.['refreshInterval']).toBe(10);
    });
  });

  describe('when the cluster is a follower again', () => {
    it('replays the fenced job into it', async () => {
      await setLeader('follower2', false);
      expect(await fx.queues.retryFailed('follower2', { objectKey: GC_KEY })).toBe(1);
      await eventually(async () => specOf(await fx.followerObject('follower2', GC_KEY))?.['refreshInterval'], (v) => v === 20);
      expect((await fx.result('follower2', GC_KEY))?.outcome).toBe('updated');
    });
  });
});
