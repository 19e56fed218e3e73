/**
 * Key sync over the in-memory federation log and follower queues: given what the projection
 * records, when a key is converged with the leader's object (or its absence), then what is
 * appended, recorded in the view and dispatched.
 */
import { StoreChange, StoreChangedError } from '@amko-fed/queue';
import { describe, expect, it } from 'vitest';
import { createUnitFederation, type UnitFederation } from '../testing/unit-federation.ts';
import { keyOf, leaderObject } from '../testing/unit-objects.ts';

const GDP = keyOf('GlobalDeploymentPolicy', 'global-gdp');
const gdp = (ttl = 30, resourceVersion = '1') => leaderObject('GlobalDeploymentPolicy', 'global-gdp', { spec: { ttl }, resourceVersion });
const watched = { source: 'watch', deletedResourceVersion: undefined } as const;
const resynced = { source: 'resync', deletedResourceVersion: undefined } as const;

/** A federation whose projection records `gdp()` at seq 1, its jobs already worked off. */
async function withProjectedGdp(): Promise<UnitFederation> {
  const f = createUnitFederation();
  await f.sync.converge(GDP, gdp(), watched);
  f.drain();
  return f;
}

describe('key sync', () => {
  describe('when the leader has an object the projection does not know', () => {
    it('appends an upsert event and records it in the view', async () => {
      const f = createUnitFederation();
      const object = gdp();
      await f.sync.converge(GDP, object, watched);
      expect(await f.stores.log.readProjection(GDP)).toMatchObject({ seq: 1, state: 'present', contentHash: object.contentHash, resourceVersion: '1' });
      expect(f.view.get(GDP)).toEqual({ seq: 1, state: 'present', contentHash: object.contentHash, resourceVersion: '1' });
      expect(await f.eventsCounted('GlobalDeploymentPolicy', 'upsert')).toBe(1);
    });

    it('dispatches one event job per valid follower at the new seq', async () => {
      const f = createUnitFederation({ followers: ['cluster2', 'cluster3'] });
      await f.sync.converge(GDP, gdp(), watched);
      expect(f.jobs()).toEqual([
        { cluster: 'cluster2', objectKey: GDP, seq: 1, reason: 'event' },
        { cluster: 'cluster3', objectKey: GDP, seq: 1, reason: 'event' },
      ]);
    });

    it('says so at info level', async () => {
      const f = createUnitFederation();
      await f.sync.converge(GDP, gdp(), watched);
      expect(f.lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'Recorded GlobalDeploymentPolicy change', objectKey: GDP, seq: 1, source: 'watch' }));
    });
  });

  describe('when the object is unchanged (same content hash as the projection)', () => {
    it('appends nothing and dispatches nothing, even with a new resourceVersion', async () => {
      const f = await withProjectedGdp();
      await f.sync.converge(GDP, gdp(30, '2'), watched);
      expect(await f.stores.log.latestSeq()).toBe(1);
      expect(f.jobs()).toEqual([]);
      expect(await f.eventsCounted('GlobalDeploymentPolicy', 'upsert')).toBe(1);
    });
  });

  describe('when the object content changed', () => {
    it('appends a new event and dispatches one job per follower at its seq', async () => {
      const f = await withProjectedGdp();
      const changed = gdp(60, '2');
      await f.sync.converge(GDP, changed, watched);
      expect(await f.stores.log.readProjection(GDP)).toMatchObject({ seq: 2, state: 'present', contentHash: changed.contentHash });
      expect(f.jobs()).toEqual([
        { cluster: 'cluster2', objectKey: GDP, seq: 2, reason: 'event' },
        { cluster: 'cluster3', objectKey: GDP, seq: 2, reason: 'event' },
      ]);
    });
  });

  describe('when a key is deleted that the projection has no entry for', () => {
    it('writes a tombstone anyway, with the deletion\'s resourceVersion', async () => {
      const f = createUnitFederation();
      await f.sync.converge(GDP, undefined, { source: 'watch', deletedResourceVersion: '7' });
      expect(await f.stores.log.readProjection(GDP)).toMatchObject({ seq: 1, state: 'absent', resourceVersion: '7' });
      expect(f.view.get(GDP)).toEqual({ seq: 1, state: 'absent', contentHash: undefined, resourceVersion: '7' });
      expect(await f.eventsCounted('GlobalDeploymentPolicy', 'delete')).toBe(1);
    });

    it('dispatches the deletion to every valid follower', async () => {
      const f = createUnitFederation();
      await f.sync.converge(GDP, undefined, { source: 'watch', deletedResourceVersion: '7' });
      expect(f.jobs()).toEqual([
        { cluster: 'cluster2', objectKey: GDP, seq: 1, reason: 'event' },
        { cluster: 'cluster3', objectKey: GDP, seq: 1, reason: 'event' },
      ]);
    });
  });

  describe('when a projected object is deleted without a known deletion resourceVersion', () => {
    it('appends a tombstone with the last recorded resourceVersion and dispatches it', async () => {
      const f = await withProjectedGdp();
      await f.sync.converge(GDP, undefined, watched);
      expect(await f.stores.log.readProjection(GDP)).toMatchObject({ seq: 2, state: 'absent', resourceVersion: '1' });
      expect(f.jobs().map((j) => [j.cluster, j.seq])).toEqual([['cluster2', 2], ['cluster3', 2]]);
    });
  });

  describe('when a projected object is deleted while watched', () => {
    it('gives the tombstone the resourceVersion of the deletion, not the last recorded one', async () => {
      const f = await withProjectedGdp();
      await f.sync.converge(GDP, undefined, { source: 'watch', deletedResourceVersion: '5' });
      expect(await f.stores.log.readProjection(GDP)).toMatchObject({ seq: 2, state: 'absent', resourceVersion: '5' });
      expect(f.view.get(GDP)).toEqual({ seq: 2, state: 'absent', contentHash: undefined, resourceVersion: '5' });
    });
  });

  describe('when a deleted key already has a tombstone', () => {
    it('appends nothing and dispatches nothing', async () => {
      const f = createUnitFederation();
      await f.sync.converge(GDP, undefined, { source: 'watch', deletedResourceVersion: '7' });
      f.drain();
      await f.sync.converge(GDP, undefined, { source: 'watch', deletedResourceVersion: '8' });
      expect(await f.stores.log.latestSeq()).toBe(1);
      expect(f.jobs()).toEqual([]);
    });
  });

  describe('when the change was found by a resync rather than watched', () => {
    it('appends it with source resync but dispatches nothing (the resync dispatches its own findings)', async () => {
      const f = createUnitFederation();
      await f.sync.converge(GDP, gdp(), resynced);
      expect(await f.stores.log.readProjection(GDP)).toMatchObject({ seq: 1, state: 'present' });
      expect(f.view.get(GDP)?.seq).toBe(1);
      expect(f.jobs()).toEqual([]);
    });

    it('logs the catch-up at debug level only', async () => {
      const f = createUnitFederation();
      await f.sync.converge(GDP, gdp(), resynced);
      const recorded = f.lines.filter((line) => line['msg'] === 'Recorded GlobalDeploymentPolicy change');
      expect(recorded.map((line) => [line['level'], line['source']])).toEqual([[20, 'resync']]);
    });
  });

  describe('when the jobs of a recorded change could not be enqueued', () => {
    /** The queues reject the whole batch: one follower name breaks the cluster-name rule (a newline). */
    async function appendedNotEnqueued(): Promise<UnitFederation> {
      const f = createUnitFederation({ followers: ['cluster2', 'not\na-cluster'] });
      await expect(f.sync.converge(GDP, gdp(), watched)).rejects.toMatchObject({ code: 'INVALID_JOB_PAYLOAD' });
      f.followers = ['cluster2', 'cluster3'];
      return f;
    }

    it('rejects the converge after recording the change', async () => {
      const f = await appendedNotEnqueued();
      expect(await f.stores.log.readProjection(GDP)).toMatchObject({ seq: 1, state: 'present' });
      expect(f.jobs()).toEqual([]);
    });

    it('enqueues them at the next converge of the key, although nothing new is appended', async () => {
      const f = await appendedNotEnqueued();
      await f.sync.converge(GDP, gdp(), resynced);
      expect(await f.stores.log.latestSeq()).toBe(1);
      expect(f.jobs()).toEqual([
        { cluster: 'cluster2', objectKey: GDP, seq: 1, reason: 'event' },
        { cluster: 'cluster3', objectKey: GDP, seq: 1, reason: 'event' },
      ]);
    });

    it('enqueues them only once', async () => {
      const f = await appendedNotEnqueued();
      await f.sync.converge(GDP, gdp(), resynced);
      f.drain();
      await f.sync.converge(GDP, gdp(), resynced);
      expect(f.jobs()).toEqual([]);
    });
  });

  describe('when no follower is valid', () => {
    it('still records the change but dispatches nothing', async () => {
      const f = createUnitFederation({ followers: [] });
      await f.sync.converge(GDP, gdp(), watched);
      expect(await f.stores.log.latestSeq()).toBe(1);
      expect(f.jobs()).toEqual([]);
    });
  });

  describe('when the key is not an object key', () => {
    it('ignores it', async () => {
      const f = createUnitFederation();
      await f.sync.converge('nonsense' as typeof GDP, gdp(), watched);
      expect(await f.stores.log.latestSeq()).toBe(0);
      expect(f.jobs()).toEqual([]);
    });
  });

  describe('when the append is guarded with the data set Redis holds', () => {
    it('appends and dispatches as unguarded', async () => {
      const f = createUnitFederation();
      const claimed = await f.stores.log.claimIncarnation({ mode: 'ifAbsent' });
      f.guard = { incarnation: claimed.incarnation, minSeq: claimed.seq };
      await f.sync.converge(GDP, gdp(), watched);
      expect(await f.stores.log.readProjection(GDP)).toMatchObject({ seq: 1, state: 'present' });
      expect(f.jobs()).toHaveLength(2);
      expect(f.storeChanges).toBe(0);
    });
  });

  describe('when Redis lost the data set the guard names', () => {
    async function lostStore(): Promise<UnitFederation> {
      const f = createUnitFederation();
      const claimed = await f.stores.log.claimIncarnation({ mode: 'ifAbsent' });
      f.guard = { incarnation: claimed.incarnation, minSeq: claimed.seq };
      f.stores.loseData();
      return f;
    }

    it('rejects with StoreChangedError (replaced) and reports the change once', async () => {
      const f = await lostStore();
      const converging = f.sync.converge(GDP, gdp(), watched);
      await expect(converging).rejects.toBeInstanceOf(StoreChangedError);
      await expect(converging).rejects.toMatchObject({ change: StoreChange.replaced, retryable: true });
      expect(f.storeChanges).toBe(1);
    });

    it('writes, records and dispatches nothing', async () => {
      const f = await lostStore();
      await f.sync.converge(GDP, gdp(), watched).catch(() => undefined);
      expect(await f.stores.log.readProjection(GDP)).toBeUndefined();
      expect(f.view.get(GDP)).toBeUndefined();
      expect(f.jobs()).toEqual([]);
      expect(await f.eventsCounted('GlobalDeploymentPolicy', 'upsert')).toBe(0);
    });

    it('refuses a tombstone the same way', async () => {
      const f = await lostStore();
      await expect(f.sync.converge(GDP, undefined, { source: 'watch', deletedResourceVersion: '7' })).rejects.toBeInstanceOf(StoreChangedError);
      expect(await f.stores.log.readProjection(GDP)).toBeUndefined();
      expect(f.storeChanges).toBe(1);
    });
  });

  describe('when Redis went back to a counter below the seq the guard has seen', () => {
    it('rejects with StoreChangedError (rolled back) and reports the change', async () => {
      const f = createUnitFederation();
      const claimed = await f.stores.log.claimIncarnation({ mode: 'ifAbsent' });
      f.guard = { incarnation: claimed.incarnation, minSeq: claimed.seq + 5 };
      await expect(f.sync.converge(GDP, gdp(), watched)).rejects.toMatchObject({ change: StoreChange.rolledBack });
      expect(f.storeChanges).toBe(1);
      expect(f.jobs()).toEqual([]);
    });
  });
});
