import { MAX_ERROR_MESSAGE_LENGTH, type ObjectKey, type ResultRecordInput, type ResultStreamEntry } from '@amko-fed/domain';
import { isolatedPrefix, startTestRedis } from '@amko-fed/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from './connection.ts';
import { eventually, redisFixture } from '../test/redis-fixture.ts';
import { InvalidRecordError } from './errors/invalid-record-error.ts';
import { createFederationLog } from './federation-log.ts';
import { federationKeys } from './names.ts';
import { createResultsStore } from './results-store.ts';

const fixture = redisFixture(isolatedPrefix('results'));
const redis = fixture.connect();
afterAll(() => fixture.close());

let counter = 0;
function freshStore(maxStreamLength?: number) {
  counter += 1;
  const prefix = `${fixture.prefix}-${counter}`;
  return { prefix, store: createResultsStore({ redis, prefix, ...(maxStreamLength ? { maxStreamLength } : {}) }) };
}

const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/gdp-1' as ObjectKey;

function result(cluster: string, objectKey: ObjectKey, extra: Partial<ResultRecordInput> = {}): ResultRecordInput {
  return { cluster, objectKey, outcome: 'updated', seq: 3, contentHash: 'h3', attempts: 1, at: '2026-03-01T10:00:00.000Z', ...extra };
}

describe('results store', () => {
  describe('when results are recorded', () => {
    it('round-trips the latest result per (cluster, object)', async () => {
      const { store } = freshStore();
      await store.recordResult(result('a', gc, { outcome: 'failed', errorCode: 'CONFLICT', errorMessage: 'conflict', seq: 2 }));
      await store.recordResult(result('a', gc, { enqueuedAt: '2026-03-01T09:59:59.000Z' }));
      await store.recordResult(result('a', gdp, { outcome: 'noop' }));
      await store.recordResult(result('b', gc, { outcome: 'fenced', errorCode: 'FENCED' }));

      expect(await store.readResult('a', gc)).toEqual(result('a', gc, { enqueuedAt: '2026-03-01T09:59:59.000Z' }));
      expect(await store.readResult('a', 'GSLBHostRule/avi-system/none' as ObjectKey)).toBeUndefined();
      expect((await store.readResults('a')).map((r) => r.outcome).sort()).toEqual(['noop', 'updated']);
      expect((await store.readResults()).map((r) => `${r.cluster}:${r.outcome}`).sort()).toEqual(['a:noop', 'a:updated', 'b:fenced']);
    });

    it('streams every result in order and pages through them', async () => {
      const { store } = freshStore();
      const ids = [];
      for (const seq of [1, 2, 3, 4, 5]) ids.push(await store.recordResult(result('a', gc, { seq })));
      const first = await store.readResultsSince('0', 2);
      expect(first.entries.map((e) => e.type === 'result' && e.record.seq)).toEqual([1, 2]);
      expect(first.lastId).toBe(ids[1]);
      const rest = await store.readResultsSince(first.lastId, 10);
      expect(rest.entries.map((e) => e.type === 'result' && e.record.seq)).toEqual([3, 4, 5]);
      expect(await store.readResultsSince(rest.lastId, 10)).toEqual({ entries: [], lastId: rest.lastId });
    });

    it('caps long error messages', async () => {
      const { store } = freshStore();
      await store.recordResult(result('a', gc, { outcome: 'failed', errorMessage: 'e'.repeat(10_000) }));
      const stored = await store.readResult('a', gc);
      expect(stored?.errorMessage).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
    });

    it.each<[string, Partial<ResultRecordInput>]>([
      ['an unknown outcome', { outcome: 'maybe' as 'noop' }],
      ['a negative seq', { seq: -1 }],
      ['a time that is not ISO', { at: 'yesterday' }],
      ['an invalid object key', { objectKey: 'Pod/x/y' as ObjectKey }],
      ['an invalid cluster', { cluster: 'a\nb' }],
    ])('rejects %s and stores nothing', async (_label, change) => {
      const { store } = freshStore();
      await expect(store.recordResult(result('a', gc, change))).rejects.toBeInstanceOf(InvalidRecordError);
      expect(await store.readResults()).toEqual([]);
      expect((await store.readResultsSince('0', 10)).entries).toEqual([]);
    });
  });

  describe('when a result may only be recorded against the projection it was applied from', () => {
    it('records it while the projection holds the object at that seq or later', async () => {
      const { prefix, store } = freshStore();
      const log = createFederationLog({ redis, prefix });
      const seq = await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '1', contentHash: 'h1', object: { spec: {} }, source: 'watch' });
      await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '2', contentHash: 'h2', object: { spec: {} }, source: 'watch' });
      expect((await store.recordResultIfProjected(result('a', gc, { seq }))).id).toMatch(/^\d+-\d+$/);
      expect((await store.readResult('a', gc))?.seq).toBe(seq);
    });

    it('drops it when Redis lost that state of the object (the projection is empty or older)', async () => {
      const { prefix, store } = freshStore();
      const log = createFederationLog({ redis, prefix });
      await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '1', contentHash: 'h1', object: { spec: {} }, source: 'watch' });
      expect((await store.recordResultIfProjected(result('a', gc, { seq: 51, outcome: 'failed' }))).id).toBeUndefined();
      expect((await store.recordResultIfProjected(result('a', gdp, { seq: 51, outcome: 'failed' }))).id).toBeUndefined();
      expect(await store.readResults()).toEqual([]);
      expect((await store.readResultsSince('0', 10)).entries).toEqual([]);
    });
  });

  describe('when a member leaves', () => {
    it('clears its results and streams a cleared marker', async () => {
      const { store } = freshStore();
      await store.recordResult(result('a', gc));
      await store.recordResult(result('b', gc));
      await store.clearResults('a');
      expect(await store.readResults('a')).toEqual([]);
      expect((await store.readResults()).map((r) => r.cluster)).toEqual(['b']);
      const { entries } = await store.readResultsSince('0', 10);
      expect(entries.at(-1)).toMatchObject({ type: 'cleared', cluster: 'a' });
    });
  });

  describe('when following the stream', () => {
    it('delivers existing and new entries in order, in batches that never overlap', async () => {
      const { store } = freshStore();
      await store.recordResult(result('a', gc, { seq: 1 }));
      const delivered: ResultStreamEntry[] = [];
      let inBatch = false;
      let overlapped = false;
      const errors: unknown[] = [];
      const follower = store.followResults(
        '0',
        async (batch) => {
          if (inBatch) overlapped = true;
          inBatch = true;
          await new Promise((r) => setTimeout(r, 5));
          delivered.push(...batch);
          inBatch = false;
        },
        { onError: (e) => errors.push(e), blockMs: 200 },
      );
      for (const seq of [2, 3, 4]) await store.recordResult(result('a', gc, { seq }));
      await store.clearResults('a');
      await eventually(() => delivered.length, (n) => n === 5);
      await follower.stop();
      expect(delivered.map((e) => (e.type === 'result' ? e.record.seq : e.type))).toEqual([1, 2, 3, 4, 'cleared']);
      expect(follower.lastId).toBe(delivered.at(-1)?.id);
      expect(overlapped).toBe(false);
      expect(errors).toEqual([]);
    });

    it('from "$" delivers only entries recorded after it started', async () => {
      const { store } = freshStore();
      await store.recordResult(result('a', gc, { seq: 1 }));
      const delivered: number[] = [];
      const follower = store.followResults(
        '$',
        (batch) => {
          for (const e of batch) if (e.type === 'result') delivered.push(e.record.seq);
        },
        { onError: () => undefined, blockMs: 100 },
      );
      // Let the follower pin "$" before recording (it reads the newest id first).
      await eventually(() => follower.lastId, (id) => id !== '$');
      await store.recordResult(result('a', gc, { seq: 2 }));
      await eventually(() => delivered.length, (n) => n === 1);
      await follower.stop();
      expect(delivered).toEqual([2]);
    });
  });

  describe('when Redis goes away while following', () => {
    it('stops within its bound even though the reader is reconnecting', async () => {
      const own = await startTestRedis();
      const client = createRedisConnection(own.url, { role: 'client' });
      client.on('error', () => undefined);
      try {
        const store = createResultsStore({ redis: client, prefix: isolatedPrefix('results-gone') });
        const errors: unknown[] = [];
        const follower = store.followResults('0', () => undefined, { onError: (e) => errors.push(e), blockMs: 200 });
        await eventually(() => follower.lastId, (id) => id !== '$');
        await own.stop();
        await eventually(() => errors.length, (n) => n > 0);
        const stopped = await Promise.race([follower.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('hung'), 5_000))]);
        expect(stopped).toBe('stopped');
      } finally {
        client.disconnect();
        await own.dispose();
      }
    });
  });

  describe('when keys are laid out', () => {
    it('keeps every results key under the prefix hash tag', async () => {
      const { prefix, store } = freshStore(50);
      await store.recordResult(result('a', gc));
      const keys = federationKeys(prefix);
      expect(await redis.exists(keys.resultsOf('a'), keys.resultClusters, keys.resultsStream)).toBe(3);
    });
  });
});
