import { PROVENANCE_ANNOTATIONS, SOURCE_CLUSTER_ANNOTATION } from '@amko-fed/domain';
import { followerQueueName, REPLICATE_JOB_NAME } from '@amko-fed/queue';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GC_KEY, GDP_KEY, gdp, gslbConfig, replicatorFixture, specOf, type ReplicatorFixture } from '../../test/fixture.ts';

const FOLLOWERS = ['follower1', 'follower2', 'follower3'];
let fx: ReplicatorFixture;

beforeAll(async () => {
  fx = await replicatorFixture({ followers: FOLLOWERS });
  await fx.publishMembers();
  // A quiet period longer than any pause between two of the burst test's writes on a busy machine,
  // so that once the burst is seen its 100 writes stay one burst however slowly they go.
  await fx.startReplicator({ BURST_QUIET: '1s', BURST_MAX_DEFER: '1m' });
});
afterAll(() => fx.close());

async function allFollowers<T>(read: (cluster: string) => Promise<T>): Promise<T[]> {
  return Promise.all(FOLLOWERS.map(read));
}

describe('replication worker', () => {
  describe('when the leader adds, updates and deletes a GSLBConfig and a GDP', () => {
    it('creates both objects on every follower with the copy rule applied', async () => {
      await fx.upsert(gslbConfig(60));
      await fx.upsert(gdp(30));
      const copies = await eventually(
        () => allFollowers(async (c) => [await fx.followerObject(c, GC_KEY), await fx.followerObject(c, GDP_KEY)]),
        (all) => all.every(([gc, policy]) => specOf(gc)?.['refreshInterval'] === 60 && specOf(policy)?.['ttl'] === 30),
      );
      for (const [gc] of copies) {
        const annotations = (gc?.['metadata'] as { annotations: Record<string, string> }).annotations;
        expect(annotations[SOURCE_CLUSTER_ANNOTATION]).toBe('leader');
        expect(annotations['amko.vmware.com/amko-uuid']).toBe('3e328a5c-a717-11ed-a422-0a580a80025b');
        for (const key of PROVENANCE_ANNOTATIONS) expect(annotations[key]).toBeTruthy();
      }
      const results = await allFollowers((c) => fx.result(c, GC_KEY));
      expect(results.map((r) => r?.outcome)).toEqual(['created', 'created', 'created']);
    });

    it('updates every follower to the leader state', async () => {
      await fx.upsert(gslbConfig(120));
      await fx.upsert(gdp(90));
      await eventually(
        () => allFollowers(async (c) => [specOf(await fx.followerObject(c, GC_KEY))?.['refreshInterval'], specOf(await fx.followerObject(c, GDP_KEY))?.['ttl']]),
        (all) => all.every(([interval, ttl]) => interval === 120 && ttl === 90),
      );
      const results = await allFollowers((c) => fx.result(c, GDP_KEY));
      expect(results.map((r) => r?.outcome)).toEqual(['updated', 'updated', 'updated']);
    });

    it('deletes both objects on every follower', async () => {
      await fx.remove(GC_KEY);
      await fx.remove(GDP_KEY);
      await eventually(
        () => allFollowers(async (c) => [await fx.followerObject(c, GC_KEY), await fx.followerObject(c, GDP_KEY)]),
        (all) => all.every(([gc, policy]) => gc === undefined && policy === undefined),
      );
      const results = await allFollowers((c) => fx.result(c, GC_KEY));
      expect(results.map((r) => r?.outcome)).toEqual(['deleted', 'deleted', 'deleted']);
    });
  });

  describe('when 100 updates to one object arrive in a burst', () => {
    it('costs at most 3 applies per follower and ends with the last state', async () => {
      const key = GC_KEY;
      await fx.upsert(gslbConfig(1000));
      await eventually(() => allFollowers((c) => fx.result(c, key)), (all) => all.every((r) => r?.outcome === 'created'));
      const before = FOLLOWERS.map((c) => fx.writesOn(c, key));
      // Slow follower writes, so the burst's next writes land while its first one is being applied,
      // which is what starts a burst, however slowly a busy machine issues them.
      for (const c of FOLLOWERS) fx.follower(c).faults.set({ latencyByVerb: { update: 300 } });
      try {
        for (let i = 1; i <= 100; i += 1) await fx.upsert(gslbConfig(1000 + i));
        await eventually(
          () => allFollowers(async (c) => specOf(await fx.followerObject(c, key))?.['refreshInterval']),
          (all) => all.every((v) => v === 1100),
        );
      } finally {
        for (const c of FOLLOWERS) fx.follower(c).faults.clear();
      }
      const applies = FOLLOWERS.map((c, i) => fx.writesOn(c, key) - (before[i] ?? 0));
      for (const count of applies) expect(count).toBeLessThanOrEqual(3);
      expect(applies.every((count) => count >= 1)).toBe(true);
    });
  });

  describe('when a failed job is replayed after a newer update', () => {
    it('leaves the newer state on the follower', async () => {
      const cluster = 'follower2';
      const target = fx.follower(cluster);
      target.faults.set({ error: { status: 422, verbs: ['update', 'create'], resources: ['globaldeploymentpolicies'] } });
      await fx.upsert(gdp(100), [cluster]);
      await eventually(() => fx.queues.failedJobs(cluster, { objectKey: GDP_KEY }), (jobs) => jobs.length === 1);
      target.faults.clear();
      await fx.upsert(gdp(200), [cluster]);
      await eventually(async () => specOf(await fx.followerObject(cluster, GDP_KEY))?.['ttl'], (ttl) => ttl === 200);

      expect(await fx.queues.retryFailed(cluster, { objectKey: GDP_KEY })).toBe(1);
      const result = await eventually(() => fx.result(cluster, GDP_KEY), (r) => r?.outcome === 'noop');
      expect(result?.outcome).toBe('noop');
      expect(specOf(await fx.followerObject(cluster, GDP_KEY))?.['ttl']).toBe(200);
    });
  });

  describe('when a follower answers 422', () => {
    it('fails the job without retrying and records the reason', async () => {
      const cluster = 'follower3';
      const target = fx.follower(cluster);
      target.faults.set({ error: { status: 422, verbs: ['update', 'create'], resources: ['gslbconfigs'] } });
      await fx.upsert(gslbConfig(4242), [cluster]);
      const [failed] = await eventually(() => fx.queues.failedJobs(cluster, { objectKey: GC_KEY }), (jobs) => jobs.length === 1);
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toMatch(/^SCHEMA_REJECTED: /);
      const result = await fx.result(cluster, GC_KEY);
      expect(result).toMatchObject({ outcome: 'failed', errorCode: 'SCHEMA_REJECTED', attempts: 1 });
      expect(result?.errorMessage).toMatch(/gslbconfigs|GSLBConfig/i);

      target.faults.clear();
      expect(await fx.queues.retryFailed(cluster, { objectKey: GC_KEY })).toBe(1);
      await eventually(async () => specOf(await fx.followerObject(cluster, GC_KEY))?.['refreshInterval'], (v) => v === 4242);
      expect((await fx.result(cluster, GC_KEY))?.outcome).toBe('updated');
    });
  });

  describe('when a follower answers 429 with Retry-After', () => {
    it('waits at least that long before the retry and then applies', async () => {
      const cluster = 'follower1';
      const target = fx.follower(cluster);
      target.faults.set({ error: { status: 429, count: 1, retryAfterSeconds: 2, verbs: ['update', 'create'], resources: ['gslbconfigs'] } });
      await fx.upsert(gslbConfig(4343), [cluster]);
      const [delayed] = await eventually(() => fx.queues.queue(cluster).getDelayed(), (jobs) => jobs.length === 1);
      // RETRY_CAP is 500 ms in this suite: only Retry-After can make the delay 2 s.
      expect(delayed?.delay).toBeGreaterThanOrEqual(2_000);
      expect((await fx.result(cluster, GC_KEY))?.errorCode).toBe('THROTTLED');
      await eventually(async () => specOf(await fx.followerObject(cluster, GC_KEY))?.['refreshInterval'], (v) => v === 4343);
    });
  });

  describe('when a job payload is invalid', () => {
    it('fails the job at once as terminal', async () => {
      const cluster = 'follower1';
      const raw = new Queue(followerQueueName(cluster), { connection: { url: fx.redisUrl }, prefix: fx.prefix });
      try {
        const job = await raw.add(REPLICATE_JOB_NAME, { cluster, objectKey: 'Secret/avi-system/x', seq: 1 } as never, { attempts: 5 });
        const failed = await eventually(async () => raw.getJob(job.id ?? ''), (j) => j?.finishedOn !== undefined);
        expect(failed?.failedReason).toMatch(/^INVALID_JOB_PAYLOAD: /);
        expect(failed?.attemptsMade).toBe(1);
      } finally {
        await raw.close();
      }
    });
  });

  describe('when a member has no context in the members kubeconfig', () => {
    it('fails its jobs as terminal with UNKNOWN_CLUSTER', async () => {
      await fx.registry.publishMembers({
        leader: 'leader',
        members: [...FOLLOWERS.map((cluster) => ({ cluster, state: 'valid' as const })), { cluster: 'ghost', state: 'valid' }],
      });
      await fx.upsert(gslbConfig(5000), ['ghost']);
      const result = await eventually(() => fx.result('ghost', GC_KEY), (r) => r !== undefined);
      expect(result).toMatchObject({ outcome: 'failed', errorCode: 'UNKNOWN_CLUSTER', attempts: 1 });
      const [failed] = await fx.queues.failedJobs('ghost');
      expect(failed?.failedReason).toMatch(/^UNKNOWN_CLUSTER: unknown cluster ghost/);
      await fx.publishMembers();
    });
  });

  describe('when the projection has no entry for the job object', () => {
    it('changes nothing on the follower', async () => {
      const key = 'GSLBHostRule/avi-system/never-captured' as const;
      await fx.queues.enqueue({ cluster: 'follower1', objectKey: key, seq: 0 });
      const result = await eventually(() => fx.result('follower1', key), (r) => r !== undefined);
      expect(result?.outcome).toBe('noop');
      expect(fx.follower('follower1').requestLog.writes({ resource: 'gslbhostrules' })).toHaveLength(0);
    });
  });
});
