/**
 * What every ResultsStore must do, run against the Redis store (stores.contract.int.spec.ts) and
 * the in-memory fake (in-memory-stores.spec.ts).
 */
import { MAX_ERROR_MESSAGE_LENGTH, type ObjectKey, type ResultRecordInput, type ResultStreamEntry } from '@amko-fed/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidRecordError } from '../errors/invalid-record-error.ts';
import { poll, type MakeStores, type StoresSubject } from './contract-subject.ts';

const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/gdp-1' as ObjectKey;

function result(cluster: string, objectKey: ObjectKey, extra: Partial<ResultRecordInput> = {}): ResultRecordInput {
  return { cluster, objectKey, outcome: 'updated', seq: 3, contentHash: 'h3', attempts: 1, at: '2026-03-01T10:00:00.000Z', ...extra };
}

export function resultsStoreContract(label: string, makeStores: MakeStores): void {
  describe(`ResultsStore contract: ${label}`, () => {
    const open: StoresSubject[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    async function fresh(): Promise<StoresSubject> {
      const subject = await makeStores();
      open.push(subject);
      return subject;
    }

    describe('when results are recorded', () => {
      it('keeps the latest result per (cluster, object)', async () => {
        const { results: store } = await fresh();
        await store.recordResult(result('a', gc, { outcome: 'failed', errorCode: 'CONFLICT', errorMessage: 'conflict', seq: 2 }));
        await store.recordResult(result('a', gc, { enqueuedAt: '2026-03-01T09:59:59.000Z' }));
        await store.recordResult(result('a', gdp, { outcome: 'noop' }));
        await store.recordResult(result('b', gc, { outcome: 'fenced', errorCode: 'FENCED' }));
        expect(await store.readResult('a', gc)).toEqual(result('a', gc, { enqueuedAt: '2026-03-01T09:59:59.000Z' }));
        expect(await store.readResult('a', 'GSLBHostRule/avi-system/none' as ObjectKey)).toBeUndefined();
        expect((await store.readResults('a')).map((r) => r.outcome).sort()).toEqual(['noop', 'updated']);
        expect((await store.readResults()).map((r) => `${r.cluster}:${r.outcome}`).sort()).toEqual(['a:noop', 'a:updated', 'b:fenced']);
      });

      it('scans every cluster\'s latest results page by page, each once', async () => {
        const { results: store } = await fresh();
        const keys = Array.from({ length: 7 }, (_, i) => `GSLBHostRule/avi-system/rule-${i}` as ObjectKey);
        for (const key of keys) for (const cluster of ['a', 'b']) await store.recordResult(result(cluster, key, { seq: 3 }));
        await store.recordResult(result('a', keys[0] ?? gc, { seq: 4 }));
        const scanned: string[] = [];
        for await (const r of store.scanResults(2)) scanned.push(`${r.cluster} ${r.objectKey} ${r.seq}`);
        expect(scanned.sort()).toEqual((await store.readResults()).map((r) => `${r.cluster} ${r.objectKey} ${r.seq}`).sort());
        expect(scanned).toHaveLength(14);
        expect(scanned).toContain(`a ${keys[0] ?? ''} 4`);
      });

      it('keeps the results of followers with context names as oc login, EKS and people write them apart, under their names', async () => {
        const { results: store } = await fresh();
        const names = ['avi-system/api-ocp2-example-com:6443/kube:admin', 'arn:aws:eks:us-east-1:123456789012:cluster/site3', 'site four {DR}', 'a%3Ab', 'a:b'];
        for (const [seq, cluster] of names.entries()) await store.recordResult(result(cluster, gc, { seq: seq + 1 }));
        for (const [seq, cluster] of names.entries()) expect((await store.readResults(cluster)).map((r) => [r.cluster, r.seq])).toEqual([[cluster, seq + 1]]);
        expect((await store.readResults()).map((r) => r.cluster).sort()).toEqual([...names].sort());
      });

      it('streams every result in order and pages through them', async () => {
        const { results: store } = await fresh();
        const ids = [];
        for (const seq of [1, 2, 3, 4, 5]) ids.push(await store.recordResult(result('a', gc, { seq })));
        expect(ids.every((id) => /^\d+-\d+$/.test(id ?? ''))).toBe(true);
        const first = await store.readResultsSince('0', 2);
        expect(first.entries.map((e) => e.type === 'result' && e.record.seq)).toEqual([1, 2]);
        expect(first.lastId).toBe(ids[1]);
        const rest = await store.readResultsSince(first.lastId, 10);
        expect(rest.entries.map((e) => e.type === 'result' && e.record.seq)).toEqual([3, 4, 5]);
        expect(await store.readResultsSince(rest.lastId, 10)).toEqual({ entries: [], lastId: rest.lastId });
      });

      it('cuts long error messages', async () => {
        const { results: store } = await fresh();
        await store.recordResult(result('a', gc, { outcome: 'failed', errorMessage: 'e'.repeat(10_000) }));
        expect((await store.readResult('a', gc))?.errorMessage).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
      });

      it.each<[string, Partial<ResultRecordInput>]>([
        ['an unknown outcome', { outcome: 'maybe' as 'noop' }],
        ['a negative seq', { seq: -1 }],
        ['a time that is not ISO', { at: 'yesterday' }],
        ['an invalid object key', { objectKey: 'Pod/x/y' as ObjectKey }],
        ['an invalid cluster', { cluster: 'a\nb' }],
      ])('rejects %s and stores nothing', async (_label, change) => {
        const { results: store } = await fresh();
        await expect(store.recordResult(result('a', gc, change))).rejects.toBeInstanceOf(InvalidRecordError);
        expect(await store.readResults()).toEqual([]);
        expect((await store.readResultsSince('0', 10)).entries).toEqual([]);
      });
    });

    describe('when a result may only be recorded against the projection it was applied from', () => {
      it('records it while the projection holds the object at that seq or later', async () => {
        const { results: store, log } = await fresh();
        const seq = await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '1', contentHash: 'h1', object: { spec: {} }, source: 'watch' });
        await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '2', contentHash: 'h2', object: { spec: {} }, source: 'watch' });
        expect((await store.recordResultIfProjected(result('a', gc, { seq }))).id).toMatch(/^\d+-\d+$/);
        expect((await store.readResult('a', gc))?.seq).toBe(seq);
      });

      it('drops it when the projection is empty or older', async () => {
        const { results: store, log } = await fresh();
        await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '1', contentHash: 'h1', object: { spec: {} }, source: 'watch' });
        expect((await store.recordResultIfProjected(result('a', gc, { seq: 51, outcome: 'failed' }))).id).toBeUndefined();
        expect((await store.recordResultIfProjected(result('a', gdp, { seq: 51, outcome: 'failed' }))).id).toBeUndefined();
        expect(await store.readResults()).toEqual([]);
        expect((await store.readResultsSince('0', 10)).entries).toEqual([]);
      });

      it('returns the projection seq it checked against, recorded or not', async () => {
        const { results: store, log } = await fresh();
        const first = await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '1', contentHash: 'h1', object: { spec: {} }, source: 'watch' });
        const latest = await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '2', contentHash: 'h2', object: { spec: {} }, source: 'watch' });
        const recorded = await store.recordResultIfProjected(result('a', gc, { seq: first }));
        expect(recorded.id).toMatch(/^\d+-\d+$/);
        expect(recorded.projectedSeq).toBe(latest);
        expect((await store.readResult('a', gc))?.seq).toBe(first);
        expect(await store.recordResultIfProjected(result('a', gc, { seq: latest + 1 }))).toEqual({ id: undefined, projectedSeq: latest });
        expect(await store.recordResultIfProjected(result('a', gdp, { seq: 1 }))).toEqual({ id: undefined, projectedSeq: 0 });
        expect((await store.readResult('a', gc))?.seq).toBe(first);
      });

      it('tells how the newer change came about: the seq it replaced, and how long ago it was made', async () => {
        const { results: store, log } = await fresh();
        const upsert = (resourceVersion: string): Promise<number> =>
          log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion, contentHash: `h${resourceVersion}`, object: { spec: {} }, source: 'watch' });
        const first = await upsert('1');
        const beforeChange = Date.now();
        const second = await upsert('2');
        await poll(() => Date.now() - beforeChange, (elapsed) => elapsed >= 30);
        const once = await store.recordResultIfProjected(result('a', gc, { seq: first }));
        const afterRecord = Date.now();
        expect(once.projectedSeq).toBe(second);
        expect(once.latestChange?.previousSeq).toBe(first);
        // Milliseconds of one clock, each side rounded down: within one of the wall time.
        expect(once.latestChange?.agoMs).toBeGreaterThanOrEqual(29);
        expect(once.latestChange?.agoMs).toBeLessThanOrEqual(afterRecord - beforeChange + 1);

        const third = await upsert('3');
        const twice = await store.recordResultIfProjected(result('b', gc, { seq: first }));
        expect(twice.projectedSeq).toBe(third);
        expect(twice.latestChange?.previousSeq).toBe(second);
      });

      it('tells nothing of a change when the result is about the newest seq, or was not recorded', async () => {
        const { results: store, log } = await fresh();
        const seq = await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '1', contentHash: 'h1', object: { spec: {} }, source: 'watch' });
        const recorded = await store.recordResultIfProjected(result('a', gc, { seq }));
        expect(recorded.latestChange).toBeUndefined();
        expect(await store.recordResultIfProjected(result('a', gc, { seq: seq + 1 }))).toEqual({ id: undefined, projectedSeq: seq });
        expect((await store.recordResult(result('a', gc, { seq: 1 })))).toMatch(/^\d+-\d+$/);
      });

      it('stamps a change made after the object was deleted and its tombstone pruned as replacing nothing', async () => {
        const { results: store, log } = await fresh();
        const deleted = await log.appendEvent({ op: 'delete', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '1', source: 'watch' });
        expect(await log.pruneTombstone(gc, deleted)).toBe(true);
        const created = await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '2', contentHash: 'h2', object: { spec: {} }, source: 'watch' });
        const recorded = await store.recordResultIfProjected(result('a', gc, { seq: deleted }));
        expect(recorded.projectedSeq).toBe(created);
        expect(recorded.latestChange?.previousSeq).toBe(0);
      });
    });

    describe('when a member leaves', () => {
      it('clears its results and streams a cleared marker', async () => {
        const { results: store } = await fresh();
        await store.recordResult(result('a', gc));
        await store.recordResult(result('b', gc));
        await store.clearResults('a');
        expect(await store.readResults('a')).toEqual([]);
        expect((await store.readResults()).map((r) => r.cluster)).toEqual(['b']);
        expect((await store.readResultsSince('0', 10)).entries.at(-1)).toMatchObject({ type: 'cleared', cluster: 'a' });
      });
    });

    describe('when the data set is lost', () => {
      it('holds no results any more', async () => {
        const subject = await fresh();
        await subject.results.recordResult(result('a', gc));
        await subject.loseData();
        expect(await subject.results.readResults()).toEqual([]);
        expect(await subject.results.readResult('a', gc)).toBeUndefined();
        expect((await subject.results.readResultsSince('0', 10)).entries).toEqual([]);
      });
    });

    describe('when following the stream', () => {
      it('delivers existing and new entries in order, in batches that never overlap', async () => {
        const { results: store } = await fresh();
        await store.recordResult(result('a', gc, { seq: 1 }));
        const delivered: ResultStreamEntry[] = [];
        let inBatch = false;
        let overlapped = false;
        const errors: unknown[] = [];
        const follower = store.followResults('0', async (batch) => {
          if (inBatch) overlapped = true;
          inBatch = true;
          await new Promise((r) => setTimeout(r, 5));
          delivered.push(...batch);
          inBatch = false;
        }, { onError: (e) => errors.push(e), blockMs: 200 });
        for (const seq of [2, 3, 4]) await store.recordResult(result('a', gc, { seq }));
        await store.clearResults('a');
        await poll(() => delivered.length, (n) => n === 5);
        await follower.stop();
        expect(delivered.map((e) => (e.type === 'result' ? e.record.seq : e.type))).toEqual([1, 2, 3, 4, 'cleared']);
        expect(follower.lastId).toBe(delivered.at(-1)?.id);
        expect({ overlapped, errors }).toEqual({ overlapped: false, errors: [] });
      });

      it('from "$" delivers only entries recorded after it started, and nothing after stop', async () => {
        const { results: store } = await fresh();
        await store.recordResult(result('a', gc, { seq: 1 }));
        const delivered: number[] = [];
        const follower = store.followResults('$', (batch) => {
          for (const e of batch) if (e.type === 'result') delivered.push(e.record.seq);
        }, { onError: () => undefined, blockMs: 100 });
        await poll(() => follower.lastId, (id) => id !== '$');
        await store.recordResult(result('a', gc, { seq: 2 }));
        await poll(() => delivered.length, (n) => n === 1);
        await follower.stop();
        await store.recordResult(result('a', gc, { seq: 3 }));
        expect(delivered).toEqual([2]);
      });

      it('with gatherMs, entries recorded while it waits after a batch arrive as one batch, a full batch is read on at once, and stop() ends the wait', async () => {
        const { results: store } = await fresh();
        const batches: number[][] = [];
        const onBatch = (batch: ResultStreamEntry[]) => {
          batches.push(batch.flatMap((e) => (e.type === 'result' ? [e.record.seq] : [])));
        };
        const gathering = store.followResults('$', onBatch, { onError: () => undefined, blockMs: 100, gatherMs: 2_000 });
        await poll(() => gathering.lastId, (id) => id !== '$');
        await store.recordResult(result('a', gc, { seq: 1 }));
        await poll(() => batches.length, (n) => n === 1);
        for (const seq of [2, 3, 4]) await store.recordResult(result('a', gc, { seq }));
        await poll(() => batches.flat().length, (n) => n === 4);
        await gathering.stop();
        expect(batches).toEqual([[1], [2, 3, 4]]);

        // A wait far longer than the test's timeout: stop() must end it, not sit it out.
        const waiting = store.followResults('$', onBatch, { onError: () => undefined, blockMs: 100, gatherMs: 3_600_000 });
        await poll(() => waiting.lastId, (id) => id !== '$');
        await store.recordResult(result('a', gc, { seq: 5 }));
        await poll(() => batches.length, (n) => n === 3);
        await store.recordResult(result('a', gc, { seq: 6 }));
        await waiting.stop();
        expect(batches).toEqual([[1], [2, 3, 4], [5]]);

        // A full batch (count) is followed by the next read at once, not after the wait.
        batches.length = 0;
        const catchingUp = store.followResults('0', onBatch, { onError: () => undefined, blockMs: 100, count: 2, gatherMs: 3_600_000 });
        await poll(() => batches.flat().length, (n) => n === 6);
        await catchingUp.stop();
        expect(batches).toEqual([[1, 2], [3, 4], [5, 6]]);
      });
    });
  });
}
