/**
 * Capture and resync: leader changes become events and exactly one job per valid follower;
 * bookkeeping updates become nothing; deletions nobody saw and objects only a follower holds are
 * found by the resync at start.
 */
import {
  AMKO_CLUSTER_KIND,
  FEDERATED_KINDS,
  SOURCE_CLUSTER_ANNOTATION,
  type FederationEvent,
  type KindInfo,
  type KubeObject,
  type ObjectKey,
} from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import {
  AMKO_NAME,
  eventually,
  gdp,
  gslbConfig,
  gslbHostRule,
  NS,
  recordJobs,
  redisView,
  settled,
  startWatcher,
  useWatcherSuite,
  type RedisView,
} from '../test/harness.ts';

const suite = useWatcherSuite();
const { running, cleanups } = suite;
const FOLLOWERS = ['cluster2', 'cluster3'];

async function start(env: Record<string, string | undefined> = {}) {
  const w = await startWatcher(suite.fixture, env, running);
  const view = redisView(suite.fixture.redisUrl, w.config.keyPrefix);
  const recorder = recordJobs(suite.fixture.redisUrl, w.config.keyPrefix, ['cluster1', ...FOLLOWERS]);
  cleanups.push(() => recorder.close(), () => view.close());
  await settled(w);
  return { w, view, recorder };
}

async function events(view: RedisView, objectKey?: string): Promise<FederationEvent[]> {
  const all = (await view.log.readEvents({ count: 1000 })).events;
  return objectKey === undefined ? all : all.filter((e) => e.objectKey === objectKey);
}

describe('watcher (capture)', () => {
  describe.each([
    ['GSLBConfig', FEDERATED_KINDS.GSLBConfig, gslbConfig('gc-1'), { spec: { refreshInterval: 90 } }],
    ['GlobalDeploymentPolicy', FEDERATED_KINDS.GlobalDeploymentPolicy, gdp('global-gdp'), { spec: { ttl: 60 } }],
  ] as [string, KindInfo, KubeObject, object][])('when a %s is added, updated and deleted on the leader', (kind, info, object, change) => {
    it('appends one event per change and enqueues exactly one job per valid follower for each', async () => {
      const { view, recorder } = await start();
      const key = `${kind}/${NS}/${object.metadata.name}` as ObjectKey;
      const leader = suite.fixture.client.cluster1;

      await leader.create(info, NS, object);
      const added = await eventually(async () => {
        const [event] = await events(view, key);
        expect(event).toMatchObject({ op: 'upsert', source: 'watch', seq: 1 });
        return event;
      });
      await eventually(() => expect(recorder.jobs).toHaveLength(2));

      await leader.mergePatch(info, NS, object.metadata.name, change);
      await eventually(async () => expect((await events(view, key)).map((e) => e.op)).toEqual(['upsert', 'upsert']));
      await eventually(() => expect(recorder.jobs).toHaveLength(4));

      await leader.delete(info, NS, object.metadata.name);
      await eventually(async () => expect((await events(view, key)).map((e) => e.op)).toEqual(['upsert', 'upsert', 'delete']));
      await eventually(() => expect(recorder.jobs).toHaveLength(6));

      for (const cluster of FOLLOWERS) {
        expect(recorder.of(cluster)).toEqual([
          { cluster, objectKey: key, seq: added?.seq, reason: 'event' },
          { cluster, objectKey: key, seq: 2, reason: 'event' },
          { cluster, objectKey: key, seq: 3, reason: 'event' },
        ]);
      }
      expect(recorder.of('cluster1')).toEqual([]);
      expect(await view.log.readProjection(key)).toMatchObject({ state: 'absent', seq: 3 });
    });
  });

  describe('when only status, labels or unrelated annotations change', () => {
    it('appends no event and enqueues no job', async () => {
      const { view, recorder } = await start();
      const leader = suite.fixture.client.cluster1;
      await leader.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1'));
      await eventually(() => expect(recorder.jobs).toHaveLength(2));
      const stored = (await view.log.readProjection('GSLBConfig/avi-system/gc-1')) as unknown as { object: { metadata: Record<string, unknown> } };

      await leader.mergePatch(FEDERATED_KINDS.GSLBConfig, NS, 'gc-1', { status: { state: 'success: gslb config accepted' } });
      await leader.mergePatch(FEDERATED_KINDS.GSLBConfig, NS, 'gc-1', { metadata: { labels: { team: 'net' }, annotations: { note: 'x' } } });
      // A real change behind them on the same informer: once it is recorded, they were seen too.
      await leader.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-2'));
      await eventually(async () => expect((await events(view)).map((e) => e.objectKey)).toEqual(['GSLBConfig/avi-system/gc-1', 'GSLBConfig/avi-system/gc-2']));
      await eventually(() => expect(recorder.jobs).toHaveLength(4));
      expect(recorder.jobs.filter((j) => j.objectKey === 'GSLBConfig/avi-system/gc-1')).toHaveLength(2);
      expect((await view.log.readProjection('GSLBConfig/avi-system/gc-1')) as unknown).toMatchObject({ seq: 1, object: { metadata: stored.object.metadata } });
    });
  });

  describe('when a follower is not valid', () => {
    it('enqueues only for the valid follower', async () => {
      await suite.fixture.client.cluster3.mergePatch(AMKO_CLUSTER_KIND, NS, AMKO_NAME, { spec: { version: '0.0.1' } });
      const { w, recorder } = await start();
      expect((await w.watcher.health()).validFollowers).toEqual(['cluster2']);
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1'));
      await eventually(() => expect(recorder.of('cluster2')).toHaveLength(1));
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-2'));
      await eventually(() => expect(recorder.of('cluster2')).toHaveLength(2));
      expect(recorder.of('cluster3')).toEqual([]);
    });
  });

  describe('when an object was deleted while no watcher ran', () => {
    it('appends the deletion at start and reconciles the followers that still hold a copy', async () => {
      const first = await start();
      const prefix = first.w.config.keyPrefix;
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1'));
      await eventually(() => expect(first.recorder.jobs).toHaveLength(2));
      // What a replicator would have done with those jobs.
      for (const c of FOLLOWERS) await suite.fixture.client[c as 'cluster2'].create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1'));
      await first.w.watcher.stop();
      await first.recorder.close();

      await suite.fixture.client.cluster1.delete(FEDERATED_KINDS.GSLBConfig, NS, 'gc-1');
      const second = await start({ KEY_PREFIX: prefix });
      const deletion = (await events(second.view, 'GSLBConfig/avi-system/gc-1')).at(-1);
      expect(deletion).toMatchObject({ op: 'delete', source: 'resync', seq: 2 });
      expect(await second.view.log.readProjection('GSLBConfig/avi-system/gc-1')).toMatchObject({ state: 'absent', seq: 2 });
      await eventually(() => expect(second.recorder.jobs).toHaveLength(2));
      for (const cluster of FOLLOWERS) {
        expect(second.recorder.of(cluster)).toEqual([{ cluster, objectKey: 'GSLBConfig/avi-system/gc-1', seq: 2, reason: 'resync' }]);
      }
    });
  });

  describe('when a follower holds objects the leader does not have', () => {
    it('tombstones extra singletons and our own host-rule copies, never other host rules', async () => {
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1'));
      const cluster2 = suite.fixture.client.cluster2;
      await cluster2.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-extra'));
      await cluster2.create(FEDERATED_KINDS.GSLBHostRule, NS, gslbHostRule('ghr-copy', { [SOURCE_CLUSTER_ANNOTATION]: 'cluster1' }));
      await cluster2.create(FEDERATED_KINDS.GSLBHostRule, NS, gslbHostRule('ghr-local'));

      const { view, recorder } = await start({ FEDERATED_KINDS: 'gc,gdp,ghr' });
      expect(await view.log.readProjection('GSLBConfig/avi-system/gc-extra')).toMatchObject({ state: 'absent' });
      expect(await view.log.readProjection('GSLBHostRule/avi-system/ghr-copy')).toMatchObject({ state: 'absent' });
      expect(await view.log.readProjection('GSLBHostRule/avi-system/ghr-local')).toBeUndefined();
      // Every follower gets each tombstone once (cluster3 a no-op delete whose result confirms it,
      // so retention can prune the tombstone).
      await eventually(() => expect(recorder.jobs).toHaveLength(6));
      const keysOf = (cluster: string) => recorder.of(cluster).map((j) => `${j.objectKey}:${j.reason ?? ''}`).sort();
      for (const cluster of ['cluster2', 'cluster3']) {
        expect(keysOf(cluster)).toEqual([
          'GSLBConfig/avi-system/gc-1:resync',
          'GSLBConfig/avi-system/gc-extra:resync',
          'GSLBHostRule/avi-system/ghr-copy:resync',
        ]);
      }
    });
  });

  describe('when followers already hold copies at start', () => {
    // Without any result yet, the follower whose copy matches gets one confirming reconcile too
    // (a no-op there that records a result, 722eed0); federation.spec shows that a follower with a
    // result and a matching copy gets nothing.
    it('reconciles the follower whose copy drifted, and the in-sync one once to record a result', async () => {
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1', 60));
      await suite.fixture.client.cluster2.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1', 60));
      await suite.fixture.client.cluster3.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1', 15));
      const { recorder } = await start();
      await eventually(() => expect(recorder.jobs).toHaveLength(2));
      const byCluster = (cluster: string) => recorder.of(cluster);
      expect(byCluster('cluster3')).toEqual([{ cluster: 'cluster3', objectKey: 'GSLBConfig/avi-system/gc-1', seq: 1, reason: 'resync' }]);
      expect(byCluster('cluster2')).toEqual([{ cluster: 'cluster2', objectKey: 'GSLBConfig/avi-system/gc-1', seq: 1, reason: 'resync' }]);
    });
  });

  describe('when the leader\'s watch has to relist', () => {
    it('resyncs again and records what changed meanwhile', async () => {
      const { w, view } = await start();
      const before = (await w.watcher.health()).resyncs ?? 0;
      const leader = suite.fixture.clusters.cluster1;
      // Hold the next watch back while an object appears and the history is compacted (410 on resume).
      leader.faults.set({ latencyByVerb: { watch: 300 } });
      try {
        leader.endWatches();
        await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GlobalDeploymentPolicy, NS, gdp('global-gdp'));
        leader.compactHistory();
        await eventually(async () => expect((await w.watcher.health()).resyncs).toBeGreaterThan(before));
      } finally {
        leader.faults.clear();
      }
      await eventually(async () => expect(await view.log.readProjection('GlobalDeploymentPolicy/avi-system/global-gdp')).toMatchObject({ state: 'present' }));
    });
  });
});
