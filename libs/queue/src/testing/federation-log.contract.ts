/**
 * What every FederationLog must do, run against the Redis log (stores.contract.int.spec.ts) and
 * the in-memory fake (in-memory-stores.spec.ts).
 */
import type { AppendEventInput, ObjectKey } from '@amko-fed/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidRecordError } from '../errors/invalid-record-error.ts';
import { StoreChange, StoreChangedError } from '../errors/store-changed-error.ts';
import type { FederationLog } from '../federation-log.ts';
import type { MakeStores, StoresSubject } from './contract-subject.ts';
import { historyContract } from './history.contract.ts';

const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/gdp-1' as ObjectKey;

function upsert(objectKey: ObjectKey, hash: string, object: Record<string, unknown> = { spec: { hash } }): AppendEventInput {
  const kind = objectKey.split('/')[0] as AppendEventInput['kind'];
  return { op: 'upsert', objectKey, kind, resourceVersion: `rv-${hash}`, generation: 1, contentHash: hash, object, source: 'watch' };
}
function remove(objectKey: ObjectKey): AppendEventInput {
  const kind = objectKey.split('/')[0] as AppendEventInput['kind'];
  return { op: 'delete', objectKey, kind, resourceVersion: 'rv-deleted', source: 'watch' };
}

export function federationLogContract(label: string, makeStores: MakeStores): void {
  historyContract(label, makeStores);
  describe(`FederationLog contract: ${label}`, () => {
    const open: StoresSubject[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    async function fresh(maxEvents?: number): Promise<{ log: FederationLog; subject: StoresSubject }> {
      const times = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z'];
      let tick = 0;
      const subject = await makeStores({ clock: () => new Date(times[Math.min(tick++, times.length - 1)] ?? 0), ...(maxEvents ? { maxEvents } : {}) });
      open.push(subject);
      return { log: subject.log, subject };
    }

    describe('when events are appended', () => {
      it('assigns increasing seqs and the projection holds the latest state', async () => {
        const { log } = await fresh();
        expect([await log.appendEvent(upsert(gc, 'h1')), await log.appendEvent(upsert(gdp, 'h2')), await log.appendEvent(upsert(gc, 'h3'))]).toEqual([1, 2, 3]);
        expect(await log.latestSeq()).toBe(3);
        expect(await log.readProjection(gc)).toEqual({
          state: 'present', object: { spec: { hash: 'h3' } }, contentHash: 'h3', seq: 3, resourceVersion: 'rv-h3', generation: 1, updatedAt: '2026-01-01T00:00:01.000Z',
        });
        expect((await log.readProjection(gdp))?.seq).toBe(2);
        expect(await log.readProjection('GSLBHostRule/avi-system/never' as ObjectKey)).toBeUndefined();
      });

      it('turns a delete into a tombstone with its seq and deletion time', async () => {
        const { log } = await fresh();
        await log.appendEvent(upsert(gc, 'h1'));
        expect(await log.appendEvent(remove(gc))).toBe(2);
        expect(await log.readProjection(gc)).toEqual({ state: 'absent', seq: 2, resourceVersion: 'rv-deleted', deletedAt: '2026-01-01T00:00:01.000Z' });
      });

      it('keeps the object JSON as given (empty arrays stay arrays)', async () => {
        const { log } = await fresh();
        const object = { spec: { list: [], map: {}, nested: [[], [{}]], text: 'ünïcødé ✓', n: 1.5 } };
        await log.appendEvent(upsert(gc, 'h1', object));
        const state = await log.readProjection(gc);
        expect(state?.state === 'present' && state.object).toEqual(object);
        expect((await log.readEvents({ count: 10 })).events[0]?.object).toEqual(object);
      });

      it('writes every field to the events, in order, and pages through them', async () => {
        const { log } = await fresh();
        await log.appendEvent(upsert(gc, 'h1'));
        await log.appendEvent({ ...remove(gc), source: 'resync' });
        for (let i = 2; i < 5; i += 1) await log.appendEvent(upsert(gc, `h${i}`));
        const first = await log.readEvents({ count: 2 });
        expect(first.events.map(({ id: _id, ...rest }) => rest)).toEqual([
          { seq: 1, op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: 'rv-h1', generation: 1, contentHash: 'h1', object: { spec: { hash: 'h1' } }, time: '2026-01-01T00:00:00.000Z', source: 'watch' },
          { seq: 2, op: 'delete', objectKey: gc, kind: 'GSLBConfig', resourceVersion: 'rv-deleted', generation: undefined, contentHash: undefined, object: undefined, time: '2026-01-01T00:00:01.000Z', source: 'resync' },
        ]);
        expect(first.lastId).toBe(first.events[1]?.id);
        const rest = await log.readEvents({ fromId: first.lastId, count: 10 });
        expect(rest.events.map((e) => e.seq)).toEqual([3, 4, 5]);
        expect(await log.readEvents({ fromId: rest.lastId, count: 10 })).toEqual({ events: [], lastId: rest.lastId });
      });
    });

    describe('when appending only changes', () => {
      it('is a no-op for the same content hash, appends a new hash, and appends a delete once', async () => {
        const { log } = await fresh();
        expect(await log.appendIfChanged(remove(gdp))).toEqual({ appended: false, seq: 0 });
        expect(await log.appendIfChanged(upsert(gc, 'h1'))).toEqual({ appended: true, seq: 1 });
        expect(await log.appendIfChanged({ ...upsert(gc, 'h1'), resourceVersion: 'rv-other' })).toEqual({ appended: false, seq: 1 });
        expect(await log.appendIfChanged(upsert(gc, 'h2'))).toEqual({ appended: true, seq: 2 });
        expect(await log.appendIfChanged(remove(gc))).toEqual({ appended: true, seq: 3 });
        expect(await log.appendIfChanged(remove(gc))).toEqual({ appended: false, seq: 3 });
        expect(await log.appendIfChanged(upsert(gc, 'h2'))).toEqual({ appended: true, seq: 4 });
        expect((await log.readEvents({ count: 10 })).events).toHaveLength(4);
      });

      it('appends exactly once when concurrent writers race with the same content', async () => {
        const { log } = await fresh();
        const results = await Promise.all(Array.from({ length: 25 }, () => log.appendIfChanged(upsert(gc, 'same'))));
        expect(results.filter((r) => r.appended)).toHaveLength(1);
        expect(new Set(results.map((r) => r.seq))).toEqual(new Set([1]));
      });
    });

    describe('when the data set is claimed', () => {
      it('creates an incarnation once and keeps the counter', async () => {
        const { log } = await fresh();
        expect(await log.storeState()).toEqual({ incarnation: undefined, seq: 0 });
        await log.appendEvent(upsert(gdp, 'h0'));
        const first = await log.claimIncarnation({ mode: 'ifAbsent' });
        expect(first).toMatchObject({ seq: 1, created: true });
        expect(await log.claimIncarnation({ mode: 'ifAbsent' })).toEqual({ incarnation: first.incarnation, seq: 1, created: false });
        expect(await log.appendEvent(upsert(gc, 'h1'))).toBe(2);
        expect(await log.storeState()).toEqual({ incarnation: first.incarnation, seq: 2 });
      });

      it('replaces the incarnation and continues the counter from the highest seq the writer saw', async () => {
        const { log } = await fresh();
        const first = await log.claimIncarnation({ mode: 'ifAbsent' });
        const replaced = await log.claimIncarnation({ mode: 'replace', minSeq: 500 });
        expect(replaced.incarnation).not.toBe(first.incarnation);
        expect(replaced).toMatchObject({ seq: 500, created: true });
        expect(await log.appendEvent(upsert(gc, 'h1'))).toBe(501);
        expect((await log.claimIncarnation({ mode: 'replace', minSeq: 7 })).seq).toBe(501);
      });
    });

    describe('when an append is guarded', () => {
      it('writes while the store holds the guarded data set', async () => {
        const { log } = await fresh();
        const { incarnation, seq } = await log.claimIncarnation({ mode: 'ifAbsent' });
        expect(await log.appendIfChanged(upsert(gc, 'h1'), { incarnation, minSeq: seq })).toEqual({ appended: true, seq: seq + 1 });
      });

      it('refuses with change "replaced", writing nothing, after the data set was lost', async () => {
        const { log, subject } = await fresh();
        const { incarnation } = await log.claimIncarnation({ mode: 'ifAbsent' });
        await log.appendEvent(upsert(gdp, 'h0'));
        await subject.loseData();
        expect(await log.storeState()).toEqual({ incarnation: undefined, seq: 0 });
        expect(await log.readProjection(gdp)).toBeUndefined();
        const refused = log.appendEvent(upsert(gc, 'h1'), { incarnation, minSeq: 1 });
        await expect(refused).rejects.toBeInstanceOf(StoreChangedError);
        await expect(refused).rejects.toMatchObject({ code: 'STORE_CHANGED', change: StoreChange.replaced, retryable: true });
        expect(await log.readProjection(gc)).toBeUndefined();
        expect(await log.latestSeq()).toBe(0);
      });

      it('refuses with change "rolled-back" when the counter is below a seq the writer has seen', async () => {
        const { log } = await fresh();
        const { incarnation, seq } = await log.claimIncarnation({ mode: 'ifAbsent' });
        await expect(log.appendIfChanged(upsert(gc, 'h1'), { incarnation, minSeq: seq + 10 })).rejects.toMatchObject({ change: StoreChange.rolledBack });
        expect(await log.readProjection(gc)).toBeUndefined();
      });
    });

    describe('when many events are appended', () => {
      it('drops the oldest events near maxEvents while seqs keep counting', async () => {
        const { log } = await fresh(20);
        for (let i = 0; i < 300; i += 1) await log.appendEvent(upsert(gc, `h${i}`));
        const { events } = await log.readEvents({ count: 1000 });
        expect(events.length).toBeGreaterThanOrEqual(20);
        expect(events.length).toBeLessThan(300);
        expect(events.at(-1)?.seq).toBe(300);
        expect((await log.readProjection(gc))?.seq).toBe(300);
      });

      it('lists the whole projection, tombstones included, through scan pages', async () => {
        const { log } = await fresh();
        const keys = Array.from({ length: 60 }, (_, i) => `GSLBHostRule/avi-system/ghr-${i}` as ObjectKey);
        for (const key of keys) await log.appendEvent(upsert(key, key));
        await log.appendEvent(remove(keys[0] as ObjectKey));
        const listed = [];
        for await (const entry of log.scanProjection(7)) listed.push(entry);
        expect(listed.map((l) => l.objectKey).sort()).toEqual([...keys].sort());
        expect(listed.find((l) => l.objectKey === keys[0])?.entry.state).toBe('absent');
        expect((await log.listProjection()).length).toBe(60);
      });
    });

    describe('when the input is invalid', () => {
      it.each<[string, Partial<AppendEventInput>]>([
        ['an upsert without object', { object: undefined }],
        ['an upsert without content hash', { contentHash: undefined }],
        ['a kind that differs from the key', { kind: 'GSLBHostRule' }],
        ['an unknown kind key', { objectKey: 'Secret/avi-system/x' as ObjectKey }],
        ['an unknown source', { source: 'guess' as 'watch' }],
      ])('rejects %s with InvalidRecordError and writes nothing', async (_label, change) => {
        const { log } = await fresh();
        await expect(log.appendEvent({ ...upsert(gc, 'h1'), ...change })).rejects.toBeInstanceOf(InvalidRecordError);
        expect(await log.latestSeq()).toBe(0);
      });

      it('rejects a delete that carries an object', async () => {
        const { log } = await fresh();
        await expect(log.appendEvent({ ...remove(gc), object: {} })).rejects.toBeInstanceOf(InvalidRecordError);
      });
    });
  });
}
