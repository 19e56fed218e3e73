/**
 * Pruning over the in-memory stores with the real leader view and results cache: given a tombstone
 * and the followers' results, then whether the tombstone, its results and its history go, from
 * the stores and from the watcher's memory. Results reach the cache asynchronously, so the tests
 * poll (testing/until.ts).
 */
import type { AppendEventInput, ObjectKey } from '@amko-fed/domain';
import { createInMemoryStores, type InMemoryStores } from '@amko-fed/queue/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createLeaderView } from '../capture/leader-view.ts';
import { createPendingReconciles, type PendingReconciles } from '../resync/pending-reconciles.ts';
import { createPassLock, type PassLock } from '../session/pass-lock.ts';
import { createResultsCache, type ResultsCache } from '../status/results-cache.ts';
import { keyOf, silentLogger } from '../testing/unit-objects.ts';
import { until } from '../testing/until.ts';
import { createRetention, type Retention } from './retention.ts';

const GDP = keyOf('GlobalDeploymentPolicy', 'global-gdp');
const T0 = Date.parse('2026-12-06T00:00:00.000Z');
const HOUR = 3_600_000;

interface Subject {
  readonly stores: InMemoryStores;
  readonly cache: ResultsCache;
  readonly index: ReturnType<typeof createLeaderView>;
  readonly pending: PendingReconciles;
  readonly retention: Retention;
  nowMs: number;
  followers: string[];
  /** Appends and records in the index, as key-sync does. */
  append(input: AppendEventInput): Promise<number>;
  /** Records a result and waits until the cache holds it. */
  applied(cluster: string, key: ObjectKey, seq: number, outcome?: 'deleted' | 'failed'): Promise<void>;
}

const caches: ResultsCache[] = [];
afterEach(async () => {
  await Promise.all(caches.splice(0).map((c) => c.stop()));
});

async function subject(options: { readonly passes?: PassLock } = {}): Promise<Subject> {
  const s = { nowMs: T0, followers: ['cluster2', 'cluster3'] } as { nowMs: number; followers: string[] };
  const stores = createInMemoryStores({ clock: () => new Date(s.nowMs), history: { maxVersions: 10, maxAgeMs: HOUR } });
  const cache = createResultsCache({ store: stores.results, logger: silentLogger(), onChange: () => undefined });
  caches.push(cache);
  await cache.start();
  const index = createLeaderView();
  const pending = createPendingReconciles();
  const retention = createRetention({
    log: stores.log, results: stores.results, index, cache, pending, logger: silentLogger(),
    validFollowers: () => s.followers, now: () => s.nowMs, intervalMs: 60_000,
    ...(options.passes === undefined ? {} : { passes: options.passes }),
  });
  return Object.assign(s, {
    stores, cache, index, pending, retention,
    async append(input: AppendEventInput) {
      const seq = await stores.log.appendEvent(input);
      index.set(input.objectKey as ObjectKey, { seq, state: input.op === 'delete' ? 'absent' : 'present', contentHash: input.contentHash, resourceVersion: input.resourceVersion });
      return seq;
    },
    async applied(cluster: string, key: ObjectKey, seq: number, outcome: 'deleted' | 'failed' = 'deleted') {
      await stores.results.recordResult({ cluster, objectKey: key, outcome, seq, attempts: 1, at: new Date(s.nowMs).toISOString() });
      await until(() => cache.get(cluster, key)?.seq === seq);
    },
  });
}

const upsert: AppendEventInput = { op: 'upsert', objectKey: GDP, kind: 'GlobalDeploymentPolicy', resourceVersion: '1', contentHash: 'h1', object: { spec: {} }, source: 'watch' };
const remove: AppendEventInput = { op: 'delete', objectKey: GDP, kind: 'GlobalDeploymentPolicy', resourceVersion: '2', source: 'watch' };

describe('retention', () => {
  describe('when every follower applied the deletion', () => {
    it('prunes the tombstone and its results from the stores, the view and the cache', async () => {
      const s = await subject();
      await s.append(upsert);
      const deleted = await s.append(remove);
      await s.applied('cluster2', GDP, deleted);
      await s.applied('cluster3', GDP, deleted);
      expect(await s.retention.prune()).toEqual({ tombstones: 1, results: 2, historyObjects: 0, historyEntries: 0 });
      expect(await s.stores.log.readProjection(GDP)).toBeUndefined();
      expect(await s.stores.results.readResults()).toEqual([]);
      expect(s.index.get(GDP)).toBeUndefined();
      expect(s.cache.get('cluster2', GDP)).toBeUndefined();
      expect((await s.stores.log.readHistory(GDP)).map((h) => h.change)).toEqual(['deleted', 'created']);
    });

    it('drops what a resync found about the object before the deletion, so it is not reported should the key come back', async () => {
      const s = await subject();
      const created = await s.append(upsert);
      s.pending.replace('cluster2', new Map([[GDP, { why: 'missing', seq: created, sinceMs: T0 }]]));
      s.pending.replace('cluster3', new Map([[GDP, { why: 'differs', seq: created, sinceMs: T0 }]]));
      const deleted = await s.append(remove);
      await s.applied('cluster2', GDP, deleted);
      await s.applied('cluster3', GDP, deleted);
      expect((await s.retention.prune()).tombstones).toBe(1);
      expect(s.pending.get('cluster2', GDP)).toBeUndefined();
      expect(s.pending.get('cluster3', GDP)).toBeUndefined();
    });
  });

  describe('when a follower has not applied the deletion', () => {
    it.each([
      ['has no result', async (s: Subject, seq: number) => s.applied('cluster2', GDP, seq)],
      ['failed it', async (s: Subject, seq: number) => { await s.applied('cluster2', GDP, seq); await s.applied('cluster3', GDP, seq, 'failed'); }],
    ])('keeps the tombstone while one follower %s', async (_label, given) => {
      const s = await subject();
      await s.append(upsert);
      const deleted = await s.append(remove);
      s.pending.replace('cluster3', new Map([[GDP, { why: 'deleting', seq: deleted, sinceMs: T0 }]]));
      await given(s, deleted);
      expect((await s.retention.prune()).tombstones).toBe(0);
      expect(s.pending.get('cluster3', GDP)).toEqual({ why: 'deleting', seq: deleted, sinceMs: T0 });
      expect(await s.stores.log.readProjection(GDP)).toMatchObject({ state: 'absent', seq: deleted });
      expect(s.index.get(GDP)).toMatchObject({ state: 'absent' });
    });
  });

  describe('when a follower becomes valid again during a pass', () => {
    it('keeps the tombstones that follower has not applied, checked right before each removal', async () => {
      const s = await subject();
      const rule = keyOf('GSLBHostRule', 'rule-a');
      await s.append(upsert);
      const gdpDeleted = await s.append(remove);
      await s.append({ ...upsert, objectKey: rule, kind: 'GSLBHostRule' });
      const ruleDeleted = await s.append({ ...remove, objectKey: rule, kind: 'GSLBHostRule' });
      // cluster3 is away (not valid): cluster2 applied both deletions, cluster3 neither.
      s.followers = ['cluster2'];
      await s.applied('cluster2', GDP, gdpDeleted);
      await s.applied('cluster2', rule, ruleDeleted);
      const pruneTombstone = s.stores.log.pruneTombstone.bind(s.stores.log);
      let removals = 0;
      s.stores.log.pruneTombstone = async (key, seq) => {
        removals += 1;
        // cluster3 is valid again once the first tombstone has gone.
        s.followers = ['cluster2', 'cluster3'];
        return pruneTombstone(key, seq);
      };
      expect((await s.retention.prune()).tombstones).toBe(1);
      expect(removals).toBe(1);
      // The one pruned while cluster3 was away is what its return resync re-tombstones; the other stays.
      const kept = (await s.stores.log.readProjection(GDP)) ?? (await s.stores.log.readProjection(rule));
      expect(kept).toMatchObject({ state: 'absent' });
    });
  });

  describe('when a resync runs', () => {
    it('skips the pass, and prunes at the next tick once the resync has ended', async () => {
      const passes = createPassLock();
      const s = await subject({ passes });
      await s.append(upsert);
      const deleted = await s.append(remove);
      await s.applied('cluster2', GDP, deleted);
      await s.applied('cluster3', GDP, deleted);
      let endResync!: () => void;
      const resync = passes.run(() => new Promise<void>((resolve) => (endResync = resolve)));
      await s.retention.pruneIfDue();
      expect(await s.stores.log.readProjection(GDP)).toMatchObject({ state: 'absent', seq: deleted });
      endResync();
      await resync;
      await s.retention.pruneIfDue();
      expect(await s.stores.log.readProjection(GDP)).toBeUndefined();
    });
  });

  describe('when history is older than the retention age', () => {
    it('drops the history of a deleted object and runs at most once per interval', async () => {
      const s = await subject();
      await s.append(upsert);
      await s.append(remove);
      s.followers = [];
      await s.retention.pruneIfDue();
      expect(await s.stores.log.listHistory()).toEqual([GDP]);
      s.nowMs += 2 * HOUR;
      expect(await s.stores.log.listHistory()).toEqual([GDP]);
      await s.retention.pruneIfDue();
      expect(await s.stores.log.listHistory()).toEqual([]);
    });
  });
});
