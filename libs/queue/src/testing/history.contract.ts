/**
 * What every FederationLog does with history and pruning (and the ResultsStore's forgetResults),
 * run against Redis (stores.contract.int.spec.ts, stores-cluster.int.spec.ts) and the in-memory
 * fake (in-memory-stores.spec.ts) through federationLogContract.
 */
import type { AppendEventInput, HistoryRetention, ObjectKey } from '@amko-fed/domain';
import { afterEach, describe, expect, it } from 'vitest';
import type { MakeStores, StoresSubject } from './contract-subject.ts';

const gdp = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const MINUTE = 60_000;

function upsert(objectKey: ObjectKey, n: number, managers: string[] = ['kubectl-edit']): AppendEventInput {
  const kind = objectKey.split('/')[0] as AppendEventInput['kind'];
  return {
    op: 'upsert', objectKey, kind, resourceVersion: `${n}`, contentHash: `h${n}`, object: { spec: { n, list: [] } },
    source: 'watch', managers, leader: 'cluster1',
  };
}
function remove(objectKey: ObjectKey, n: number): AppendEventInput {
  const kind = objectKey.split('/')[0] as AppendEventInput['kind'];
  return { op: 'delete', objectKey, kind, resourceVersion: `${n}`, source: 'watch', leader: 'cluster1' };
}

export function historyContract(label: string, makeStores: MakeStores): void {
  describe(`FederationLog history contract: ${label}`, () => {
    const open: StoresSubject[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    let now = T0;
    async function fresh(history: HistoryRetention = { maxVersions: 50, maxAgeMs: 60 * MINUTE }): Promise<StoresSubject> {
      now = T0;
      const subject = await makeStores({ clock: () => new Date(now), history });
      open.push(subject);
      return subject;
    }

    describe('when an object is created, edited twice and deleted', () => {
      it('keeps every version newest first with change, time, resourceVersion, managers, leader and content', async () => {
        const { log } = await fresh();
        await log.appendEvent(upsert(gdp, 1, ['helm']));
        now += MINUTE;
        await log.appendEvent(upsert(gdp, 2, ['kubectl-edit']));
        now += MINUTE;
        await log.appendEvent(upsert(gdp, 3, ['kubectl-client-side-apply', 'kubectl-edit']));
        now += MINUTE;
        await log.appendEvent(remove(gdp, 4));
        const history = await log.readHistory(gdp);
        expect(history.map((h) => [h.seq, h.change, h.resourceVersion, h.managers, h.time])).toEqual([
          [4, 'deleted', '4', [], '2026-03-01T00:03:00.000Z'],
          [3, 'updated', '3', ['kubectl-client-side-apply', 'kubectl-edit'], '2026-03-01T00:02:00.000Z'],
          [2, 'updated', '2', ['kubectl-edit'], '2026-03-01T00:01:00.000Z'],
          [1, 'created', '1', ['helm'], '2026-03-01T00:00:00.000Z'],
        ]);
        expect(history[1]).toEqual({
          seq: 3, change: 'updated', objectKey: gdp, time: '2026-03-01T00:02:00.000Z', resourceVersion: '3', contentHash: 'h3',
          managers: ['kubectl-client-side-apply', 'kubectl-edit'], leader: 'cluster1', object: { spec: { n: 3, list: [] } },
        });
        // A deletion keeps the last content the log held, so it can be brought back.
        expect(history[0]?.object).toEqual({ spec: { n: 3, list: [] } });
        expect(await log.listHistory()).toEqual([gdp]);
      });

      it('records a re-creation after a delete as created, and a delete of an unknown object without content', async () => {
        const { log } = await fresh();
        await log.appendEvent(remove(gc, 1));
        await log.appendEvent(upsert(gc, 2));
        expect((await log.readHistory(gc)).map((h) => [h.change, h.object])).toEqual([
          ['created', { spec: { n: 2, list: [] } }],
          ['deleted', undefined],
        ]);
      });

      it('writes no history for an appendIfChanged that changed nothing', async () => {
        const { log } = await fresh();
        await log.appendIfChanged(upsert(gdp, 1));
        await log.appendIfChanged({ ...upsert(gdp, 1), resourceVersion: 'other' });
        expect(await log.readHistory(gdp)).toHaveLength(1);
        expect(await log.readHistory(gc)).toEqual([]);
      });
    });

    describe('when retention bounds the history', () => {
      it('keeps only maxVersions per object', async () => {
        const { log } = await fresh({ maxVersions: 3, maxAgeMs: 60 * MINUTE });
        for (let n = 1; n <= 10; n += 1) await log.appendEvent(upsert(gdp, n));
        expect((await log.readHistory(gdp)).map((h) => h.seq)).toEqual([10, 9, 8]);
      });

      it('drops versions older than maxAgeMs on append but always keeps the newest', async () => {
        const { log } = await fresh({ maxVersions: 50, maxAgeMs: 10 * MINUTE });
        await log.appendEvent(upsert(gdp, 1));
        now += 5 * MINUTE;
        await log.appendEvent(upsert(gdp, 2));
        now += 8 * MINUTE;
        await log.appendEvent(upsert(gdp, 3));
        expect((await log.readHistory(gdp)).map((h) => h.seq)).toEqual([3, 2]);
        now += 60 * MINUTE;
        await log.appendEvent(upsert(gdp, 4));
        expect((await log.readHistory(gdp)).map((h) => h.seq)).toEqual([4]);
      });

      it('pruneHistory keeps the newest version of a living object and removes a deleted object', async () => {
        const { log } = await fresh({ maxVersions: 50, maxAgeMs: 10 * MINUTE });
        await log.appendEvent(upsert(gdp, 1));
        await log.appendEvent(upsert(gc, 2));
        now += MINUTE;
        await log.appendEvent(upsert(gdp, 3));
        await log.appendEvent(remove(gc, 4));
        expect(await log.pruneHistory()).toEqual({ removedObjects: 0, droppedEntries: 0 });
        now += 11 * MINUTE;
        expect(await log.pruneHistory()).toEqual({ removedObjects: 1, droppedEntries: 3 });
        expect((await log.readHistory(gdp)).map((h) => h.seq)).toEqual([3]);
        expect(await log.readHistory(gc)).toEqual([]);
        expect(await log.listHistory()).toEqual([gdp]);
      });
    });

    describe('when a tombstone is pruned', () => {
      it('removes it only at its seq, and forgetResults drops results up to that seq', async () => {
        const { log, results } = await fresh();
        await log.appendEvent(upsert(gdp, 1));
        const deleted = await log.appendEvent(remove(gdp, 2));
        const at = new Date(T0).toISOString();
        await results.recordResult({ cluster: 'cluster2', objectKey: gdp, outcome: 'deleted', seq: deleted, attempts: 1, at });
        await results.recordResult({ cluster: 'cluster3', objectKey: gdp, outcome: 'deleted', seq: deleted, attempts: 1, at });
        await results.recordResult({ cluster: 'cluster3', objectKey: gc, outcome: 'created', seq: 9, attempts: 1, at });
        expect(await log.pruneTombstone(gdp, deleted - 1)).toBe(false);
        expect(await log.pruneTombstone(gdp, deleted)).toBe(true);
        expect(await log.readProjection(gdp)).toBeUndefined();
        expect(await log.pruneTombstone(gdp, deleted)).toBe(false);
        expect(await results.forgetResults(gdp, deleted)).toBe(2);
        expect((await results.readResults()).map((r) => r.objectKey)).toEqual([gc]);
        // History outlives the tombstone until its age runs out.
        expect((await log.readHistory(gdp)).map((h) => h.change)).toEqual(['deleted', 'created']);
      });

      it('keeps a projection entry that a newer change replaced, and a newer result', async () => {
        const { log, results } = await fresh();
        const deleted = await log.appendEvent(remove(gdp, 1));
        const recreated = await log.appendEvent(upsert(gdp, 2));
        await results.recordResult({ cluster: 'cluster2', objectKey: gdp, outcome: 'created', seq: recreated, attempts: 1, at: new Date(T0).toISOString() });
        expect(await log.pruneTombstone(gdp, deleted)).toBe(false);
        expect((await log.readProjection(gdp))?.state).toBe('present');
        expect(await results.forgetResults(gdp, deleted)).toBe(0);
        expect(await results.readResult('cluster2', gdp)).toMatchObject({ seq: recreated });
      });
    });
  });
}
