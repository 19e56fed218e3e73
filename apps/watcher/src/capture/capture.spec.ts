import { FEDERATED_KINDS, type FederatedKind, type KubeObject } from '@amko-fed/domain';
import { createInMemoryCluster, type InMemoryCluster } from '@amko-fed/kube/testing';
import { createInMemoryStores, type InMemoryStores } from '@amko-fed/queue/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatch } from '../dispatch/dispatch.ts';
import { createWatcherMetrics } from '../http/metrics.ts';
import { keyOf, rawObject, silentLogger } from '../testing/unit-objects.ts';
import { until } from '../testing/until.ts';
import { createCapture, type Capture } from './capture.ts';
import { createKeySync } from './key-sync.ts';
import { createLeaderView } from './leader-view.ts';

const NS = 'avi-system';
const GC = FEDERATED_KINDS.GSLBConfig;
const GDP = FEDERATED_KINDS.GlobalDeploymentPolicy;
const GC_KEY = keyOf('GSLBConfig', 'gc-1');

interface World {
  readonly leader: InMemoryCluster;
  readonly stores: InMemoryStores;
  readonly capture: Capture;
  /** Every onSynced call, in order. */
  readonly synced: { readonly relist: boolean }[];
  followers: string[];
  /** Calls of `appendIfChanged` so far (each is a Redis round trip in production). */
  readonly appendCalls: number;
  /** What the log holds, as `<op> <objectKey> (<source>)`. */
  events(): string[];
  /** Jobs waiting in a follower's queue, as `<objectKey>@<seq>`. */
  jobs(cluster: string): string[];
}

const started: Capture[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.stop()));
});

/** A capture on an in-memory leader (holding `objects` before it starts), over in-memory stores. */
async function captureOn(objects: readonly KubeObject[] = [], kinds: readonly FederatedKind[] = ['GSLBConfig', 'GlobalDeploymentPolicy']): Promise<World> {
  const leader = createInMemoryCluster({ context: 'cluster1' });
  for (const object of objects) await leader.client.create(FEDERATED_KINDS[object.kind as FederatedKind], NS, object);
  const stores = createInMemoryStores();
  const view = createLeaderView();
  const metrics = createWatcherMetrics({ defaultMetrics: false });
  const logger = silentLogger();
  const synced: { relist: boolean }[] = [];
  let appendCalls = 0;
  // The fake log, counting the appends capture asks for (a status-only change must ask for none).
  const log = { ...stores.log, appendIfChanged: (...args: Parameters<typeof stores.log.appendIfChanged>) => ((appendCalls += 1), stores.log.appendIfChanged(...args)) };
  const world: World = {
    leader,
    stores,
    synced,
    followers: ['cluster2', 'cluster3'],
    get appendCalls() {
      return appendCalls;
    },
    capture: createCapture({
      local: leader.client,
      kinds,
      view,
      sync: createKeySync({
        log,
        dispatch: createDispatch({ queues: stores.queues, metrics }),
        index: view,
        metrics,
        logger,
        validFollowers: () => world.followers,
        guard: () => undefined,
        storeChanged: () => undefined,
      }),
      logger,
      onSynced: (info) => void synced.push(info),
      onHealthChange: () => undefined,
    }),
    events: () => stores.log.events().map((e) => `${e.op} ${e.objectKey} (${e.source})`),
    jobs: (cluster) => stores.queues.jobs(cluster).map((j) => `${j.job?.objectKey ?? '?'}@${j.job?.seq ?? '?'}`),
  };
  started.push(world.capture);
  await world.capture.start();
  return world;
}

describe('capture', () => {
  describe('when the informers complete their first list', () => {
    it('records what the leader holds without enqueueing it (the full resync that follows does) and reports synced once', async () => {
      const world = await captureOn([rawObject('GSLBConfig', 'gc-1')]);
      await until(() => expect(world.events()).toEqual([`upsert ${GC_KEY} (resync)`]));
      expect(world.synced).toEqual([{ relist: false }]);
      expect(world.capture.synced()).toBe(true);
      expect(world.jobs('cluster2')).toEqual([]);
    });
  });

  describe('when an object is created on the leader', () => {
    it('appends an upsert to the log and enqueues one job per valid follower', async () => {
      const world = await captureOn();
      await world.leader.client.create(GC, NS, rawObject('GSLBConfig', 'gc-1'));
      await until(() => expect(world.jobs('cluster3')).toEqual([`${GC_KEY}@1`]));
      expect(world.events()).toEqual([`upsert ${GC_KEY} (watch)`]);
      expect(world.jobs('cluster2')).toEqual([`${GC_KEY}@1`]);
    });

    it('enqueues nothing for a follower that is not valid', async () => {
      const world = await captureOn();
      world.followers = ['cluster2'];
      await world.leader.client.create(GC, NS, rawObject('GSLBConfig', 'gc-1'));
      await until(() => expect(world.jobs('cluster2')).toEqual([`${GC_KEY}@1`]));
      expect(world.jobs('cluster3')).toEqual([]);
    });
  });

  describe('when an object changes in its spec', () => {
    it('appends the new content and enqueues it again', async () => {
      const world = await captureOn([rawObject('GSLBConfig', 'gc-1')]);
      await world.leader.client.mergePatch(GC, NS, 'gc-1', { spec: { ttl: 60 } });
      await until(() => expect(world.jobs('cluster2')).toEqual([`${GC_KEY}@2`]));
      expect(world.events()).toEqual([`upsert ${GC_KEY} (resync)`, `upsert ${GC_KEY} (watch)`]);
      expect(world.stores.log.projected(GC_KEY)).toMatchObject({ seq: 2, state: 'present', object: { spec: { ttl: 60 } } });
    });
  });

  describe('when only the status of an object changes', () => {
    it('does not touch the log and enqueues nothing', async () => {
      const world = await captureOn([rawObject('GSLBConfig', 'gc-1')]);
      await until(() => expect(world.events()).toHaveLength(1));
      const before = world.appendCalls;
      await world.leader.client.patchStatus(GC, NS, 'gc-1', { state: 'success' });
      // Converging the key afterwards runs after any work the status change could have started.
      expect(await world.capture.converge([GC_KEY], { source: 'resync' })).toBe(true);
      expect(world.appendCalls).toBe(before + 1);
      expect(world.events()).toEqual([`upsert ${GC_KEY} (resync)`]);
      expect(world.jobs('cluster2')).toEqual([]);
    });
  });

  describe('when an object is deleted on the leader', () => {
    it('appends a tombstone and enqueues its deletion for every valid follower', async () => {
      const world = await captureOn([rawObject('GSLBConfig', 'gc-1')]);
      await until(() => expect(world.events()).toHaveLength(1));
      await world.leader.client.delete(GC, NS, 'gc-1');
      await until(() => expect(world.jobs('cluster2')).toEqual([`${GC_KEY}@2`]));
      expect(world.jobs('cluster3')).toEqual([`${GC_KEY}@2`]);
      expect(world.events()).toEqual([`upsert ${GC_KEY} (resync)`, `delete ${GC_KEY} (watch)`]);
      expect(world.stores.log.projected(GC_KEY)).toMatchObject({ seq: 2, state: 'absent' });
    });
  });

  describe('when the informers relist', () => {
    it('reports a relist, after converging what the broken watch missed', async () => {
      const world = await captureOn();
      world.leader.breakWatch(GDP, new Error('watch closed'));
      await world.leader.client.create(GDP, NS, rawObject('GlobalDeploymentPolicy', 'gdp-1'));
      expect(world.events()).toEqual([]);
      world.leader.relist(GDP);
      await until(() => expect(world.events()).toEqual([`upsert ${keyOf('GlobalDeploymentPolicy', 'gdp-1')} (watch)`]));
      expect(world.synced).toEqual([{ relist: false }, { relist: true }]);
    });
  });
});
