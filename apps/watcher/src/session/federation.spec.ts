import { FEDERATED_KINDS, StepOutcome, type KubeObject } from '@amko-fed/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { followerCopy, keyOf, rawObject, silentLogger } from '../testing/unit-objects.ts';
import { createUnitSite, type SiteCluster, type UnitSite } from '../testing/unit-site.ts';
import { until } from '../testing/until.ts';
import { createFederation, type Federation } from './federation.ts';

const NS = 'avi-system';
const GC = FEDERATED_KINDS.GSLBConfig;
const GC_KEY = keyOf('GSLBConfig', 'gc-1');

let site: UnitSite;
let federation: Federation | undefined;
let storeLost = 0;

beforeEach(async () => {
  site = await createUnitSite();
  storeLost = 0;
});

afterEach(async () => {
  await federation?.stop();
  federation = undefined;
});

/** Federation from cluster1 to the valid followers (cluster2 and cluster3 unless told), started. */
async function start(options: { readonly validFollowers?: () => readonly string[]; readonly retentionIntervalMs?: number } = {}): Promise<Federation> {
  federation = createFederation({
    local: site.local,
    kinds: site.config.federatedKinds,
    resyncIntervalMs: site.config.resyncIntervalMs,
    log: site.stores.log,
    queues: site.stores.queues,
    results: site.stores.results,
    metrics: site.metrics,
    logger: silentLogger(),
    validFollowers: options.validFollowers ?? (() => ['cluster2', 'cluster3']),
    clientOf: (cluster) => site.clusters[cluster as SiteCluster].client,
    onStatusChange: () => undefined,
    onStoreLost: () => void (storeLost += 1),
    ...(options.retentionIntervalMs === undefined ? {} : { retentionIntervalMs: options.retentionIntervalMs }),
  });
  await federation.start();
  return federation;
}

/** The jobs waiting for a follower, as `<objectKey>@<seq> (<reason>)`. */
const waiting = (cluster: string) => site.stores.queues.jobs(cluster).map((j) => `${j.job?.objectKey ?? '?'}@${j.job?.seq ?? '?'} (${j.job?.reason ?? ''})`);

/** Plays the replicator of `follower`: every job it has waiting runs and completes (no result recorded). */
function completeEveryJob(follower: string): void {
  for (let job = site.stores.queues.take(follower); job !== undefined; job = site.stores.queues.take(follower)) site.stores.queues.complete(follower, job.id);
}

/** A resync now enqueues gc-1 at seq 2 for cluster2 only. */
async function expectOneReconcileOnCluster2After(f: Federation): Promise<void> {
  f.resync.request();
  await until(() => expect(f.resync.completed()).toBe(2));
  expect(waiting('cluster2')).toEqual([`${GC_KEY}@2 (resync)`]);
  expect(waiting('cluster3')).toEqual([]);
}

async function onLeader(object: KubeObject): Promise<KubeObject> {
  return site.local.create(GC, NS, object);
}

/** gc-1 on the leader, its copy on both followers with a no-op result at seq 1; started and resynced once. */
async function startWithCopiesHeld(): Promise<Federation> {
  const leader = await onLeader(rawObject('GSLBConfig', 'gc-1'));
  for (const follower of ['cluster2', 'cluster3'] as const) {
    await site.clusters[follower].client.create(GC, NS, followerCopy(leader));
    await site.stores.results.recordResult({ cluster: follower, objectKey: GC_KEY, outcome: 'noop', seq: 1, attempts: 1, at: new Date().toISOString() });
  }
  const f = await start();
  await until(() => expect(f.resync.completed()).toBe(1));
  return f;
}

describe('federation', () => {
  describe('when it starts and the leader holds an object the followers lack', () => {
    it('records it, and the first full resync enqueues it once for every valid follower', async () => {
      await onLeader(rawObject('GSLBConfig', 'gc-1'));
      const f = await start();
      await until(() => expect(f.resync.completed()).toBe(1));
      expect(waiting('cluster2')).toEqual([`${GC_KEY}@1 (resync)`]);
      expect(waiting('cluster3')).toEqual([`${GC_KEY}@1 (resync)`]);
      expect(site.stores.log.events().map((e) => `${e.op} ${e.objectKey}`)).toEqual([`upsert ${GC_KEY}`]);
      expect(f.capture.synced()).toBe(true);
    });
  });

  describe('when the followers already hold the leader\'s copies', () => {
    it('enqueues nothing where a result confirms them, and reports the kind federated', async () => {
      const f = await startWithCopiesHeld();
      expect(waiting('cluster2')).toEqual([]);
      expect(waiting('cluster3')).toEqual([]);
      expect(f.steps().GSLBConfig).toEqual({ outcome: StepOutcome.Succeeded });
    });

    it('enqueues one confirming reconcile per follower without a result yet (a new leader), so the status can say in sync', async () => {
      const leader = await onLeader(rawObject('GSLBConfig', 'gc-1'));
      for (const follower of ['cluster2', 'cluster3'] as const) await site.clusters[follower].client.create(GC, NS, followerCopy(leader));
      await site.stores.results.recordResult({ cluster: 'cluster3', objectKey: GC_KEY, outcome: 'noop', seq: 1, attempts: 1, at: new Date().toISOString() });
      const f = await start();
      await until(() => expect(f.resync.completed()).toBe(1));
      expect(waiting('cluster2')).toEqual([`${GC_KEY}@1 (resync)`]);
      expect(waiting('cluster3')).toEqual([]);
      expect(f.steps().GSLBConfig).toEqual({ outcome: StepOutcome.Succeeded });
    });
  });

  describe('when a follower holds the leader\'s change but its result is about an older seq', () => {
    it('enqueues one confirming reconcile at the current seq there (a result Redis lost in a failover)', async () => {
      const f = await startWithCopiesHeld();
      const changed = await site.local.mergePatch(GC, NS, 'gc-1', { spec: { ttl: 31 } });
      await until(() => expect(waiting('cluster2')).toEqual([`${GC_KEY}@2 (event)`]));
      // The replicator applied the change on both followers and its jobs completed, but cluster2's
      // result at seq 2 was lost (cluster3's was recorded).
      for (const follower of ['cluster2', 'cluster3'] as const) {
        await site.clusters[follower].client.delete(GC, NS, 'gc-1');
        await site.clusters[follower].client.create(GC, NS, followerCopy(changed));
        completeEveryJob(follower);
      }
      await site.stores.results.recordResult({ cluster: 'cluster3', objectKey: GC_KEY, outcome: 'updated', seq: 2, attempts: 1, at: new Date().toISOString() });

      await expectOneReconcileOnCluster2After(f);
    });
  });

  describe('when a follower has no result at all for a deleted object and does not hold it', () => {
    it('enqueues one confirming delete there (an apply of the older state may still be on its way)', async () => {
      await onLeader(rawObject('GSLBConfig', 'gc-1'));
      const f = await start();
      await until(() => expect(f.resync.completed()).toBe(1));
      await site.local.delete(GC, NS, 'gc-1');
      await until(() => expect(site.stores.log.events().map((e) => e.op)).toEqual(['upsert', 'delete']));
      // cluster3 applied both and recorded the deletion; cluster2's jobs ran without a result (lost
      // in a failover, or its create of seq 1 read the projection before the deletion and has not
      // reached the follower yet: the listing cannot see it).
      for (const follower of ['cluster2', 'cluster3'] as const) completeEveryJob(follower);
      await site.stores.results.recordResult({ cluster: 'cluster3', objectKey: GC_KEY, outcome: 'deleted', seq: 2, attempts: 1, at: new Date().toISOString() });

      await expectOneReconcileOnCluster2After(f);
    });
  });

  describe('when a follower lacks an object the resync found', () => {
    it('shows it as not reconciled until the replicator\'s result arrives', async () => {
      const leader = await onLeader(rawObject('GSLBConfig', 'gc-1'));
      await site.clusters.cluster3.client.create(GC, NS, followerCopy(leader));
      const f = await start();
      await until(() => expect(f.resync.completed()).toBe(1));
      expect(waiting('cluster2')).toEqual([`${GC_KEY}@1 (resync)`]);
      expect(f.steps().GSLBConfig).toEqual({
        outcome: StepOutcome.PartlyFailed,
        failures: [{ cluster: 'cluster2', message: `${GC_KEY}: missing on the follower, not reconciled yet` }],
      });

      await site.stores.results.recordResult({ cluster: 'cluster2', objectKey: GC_KEY, outcome: 'created', seq: 1, attempts: 1, at: new Date().toISOString() });

      await until(() => expect(f.steps().GSLBConfig).toEqual({ outcome: StepOutcome.Succeeded }));
    });
  });

  describe('when a follower that missed a deletion comes back after its tombstone was pruned', () => {
    // The chaos suite's follower-down and storm-429 runs: follower1 (here cluster3) was invalid
    // while the leader deleted objects, follower2 (cluster2) applied the deletions, retention
    // pruned the tombstones with their results, and cluster3's resync recorded the deletions anew.
    // The first resync's "missing" finding for cluster2, whose clearing result had gone with the
    // tombstone, was then reported until the next full resync.
    it('reports only the follower that still holds the object, not the one that applied the deletion', async () => {
      let valid = ['cluster2', 'cluster3'];
      const leader = await onLeader(rawObject('GSLBConfig', 'gc-1'));
      const f = await start({ validFollowers: () => valid, retentionIntervalMs: 0 });
      await until(() => expect(f.resync.completed()).toBe(1));
      for (const follower of ['cluster2', 'cluster3'] as const) {
        completeEveryJob(follower);
        await site.clusters[follower].client.create(GC, NS, followerCopy(leader));
        await site.stores.results.recordResult({ cluster: follower, objectKey: GC_KEY, outcome: 'created', seq: 1, attempts: 1, at: new Date().toISOString() });
      }
      await until(() => expect(f.steps().GSLBConfig).toEqual({ outcome: StepOutcome.Succeeded }));

      valid = ['cluster2'];
      await site.local.delete(GC, NS, 'gc-1');
      await until(() => expect(waiting('cluster2')).toEqual([`${GC_KEY}@2 (event)`]));
      completeEveryJob('cluster2');
      await site.clusters.cluster2.client.delete(GC, NS, 'gc-1');
      await site.stores.results.recordResult({ cluster: 'cluster2', objectKey: GC_KEY, outcome: 'deleted', seq: 2, attempts: 1, at: new Date().toISOString() });
      await until(() => expect(site.stores.log.projected(GC_KEY)).toBeUndefined());

      valid = ['cluster2', 'cluster3'];
      f.resync.request(['cluster3']);
      await until(() => expect(f.resync.completed()).toBe(2));
      expect(waiting('cluster3')).toEqual([`${GC_KEY}@3 (resync)`]);
      // The deletion recorded anew reaches cluster2 too (a no-op there), so it gets a result.
      expect(waiting('cluster2')).toEqual([`${GC_KEY}@3 (resync)`]);
      expect(f.steps().GSLBConfig).toEqual({
        outcome: StepOutcome.PartlyFailed,
        failures: [{ cluster: 'cluster3', message: `${GC_KEY}: on the follower but not on the leader, not reconciled yet` }],
      });
    });
  });

  describe('when a watched change arrives after the first resync', () => {
    it('enqueues it for every valid follower at its new seq', async () => {
      const f = await start();
      await until(() => expect(f.resync.completed()).toBe(1));
      await onLeader(rawObject('GSLBConfig', 'gc-1'));
      await until(() => expect(waiting('cluster2')).toEqual([`${GC_KEY}@1 (event)`]));
      expect(waiting('cluster3')).toEqual([`${GC_KEY}@1 (event)`]);
    });
  });

  describe('when Redis lost its data', () => {
    it('rebuilds: reports the loss, records the leader again above the seqs seen and resyncs', async () => {
      await onLeader(rawObject('GSLBConfig', 'gc-1'));
      const f = await start();
      await until(() => expect(f.resync.completed()).toBe(1));

      site.stores.loseData();
      await f.checkStore();

      expect(storeLost).toBe(1);
      await until(() => expect(waiting('cluster2')).toEqual([`${GC_KEY}@2 (resync)`]));
      expect(waiting('cluster3')).toEqual([`${GC_KEY}@2 (resync)`]);
      expect(site.stores.log.projected(GC_KEY)).toMatchObject({ seq: 2, state: 'present' });
    });
  });
});
