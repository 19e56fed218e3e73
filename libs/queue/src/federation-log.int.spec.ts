import type { AppendEventInput, ObjectKey } from '@amko-fed/domain';
import { isolatedPrefix } from '@amko-fed/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { redisFixture } from '../test/redis-fixture.ts';
import { InvalidRecordError } from './errors/invalid-record-error.ts';
import { StoreChange, StoreChangedError } from './errors/store-changed-error.ts';
import { createFederationLog, type FederationLog } from './federation-log.ts';
import { federationKeys } from './names.ts';

const fixture = redisFixture(isolatedPrefix('fedlog'));
const redis = fixture.connect();
afterAll(() => fixture.close());

let counter = 0;
/** A log under its own prefix, so each test starts from seq 0. */
function freshLog(maxEvents?: number): FederationLog {
  counter += 1;
  const prefix = `${fixture.prefix}-${counter}`;
  const times = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z'];
  let tick = 0;
  return createFederationLog({
    redis,
    prefix,
    ...(maxEvents !== undefined ? { maxEvents } : {}),
    clock: () => new Date(times[Math.min(tick++, times.length - 1)] ?? 0),
  });
}

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

describe('federation log', () => {
  describe('when events are appended', () => {
    it('assigns increasing seqs and the projection holds the latest state', async () => {
      const log = freshLog();
      const seqs = [
        await log.appendEvent(upsert(gc, 'h1')),
        await log.appendEvent(upsert(gdp, 'h2')),
        await log.appendEvent(upsert(gc, 'h3')),
      ];
      expect(seqs).toEqual([1, 2, 3]);
      expect(await log.latestSeq()).toBe(3);
      expect(await log.readProjection(gc)).toEqual({
        state: 'present',
        object: { spec: { hash: 'h3' } },
        contentHash: 'h3',
        seq: 3,
        resourceVersion: 'rv-h3',
        generation: 1,
        updatedAt: '2026-01-01T00:00:01.000Z',
      });
      expect((await log.readProjection(gdp))?.seq).toBe(2);
    });

    it('turns a delete into a tombstone with its seq and deletion time', async () => {
      const log = freshLog();
      await log.appendEvent(upsert(gc, 'h1'));
      const seq = await log.appendEvent(remove(gc));
      expect(seq).toBe(2);
      expect(await log.readProjection(gc)).toEqual({
        state: 'absent',
        seq: 2,
        resourceVersion: 'rv-deleted',
        deletedAt: '2026-01-01T00:00:01.000Z',
      });
    });

    it('returns undefined for an object it never saw', async () => {
      expect(await freshLog().readProjection(gc)).toBeUndefined();
    });

    it('stores the object JSON verbatim (empty arrays stay arrays, unicode survives)', async () => {
      const log = freshLog();
      const object = { spec: { list: [], map: {}, nested: [[], [{}]], text: 'ünïcødé ✓', n: 1.5, big: 12345678901234 } };
      await log.appendEvent(upsert(gc, 'h1', object));
      const state = await log.readProjection(gc);
      expect(state?.state === 'present' && state.object).toEqual(object);
      const { events } = await log.readEvents({ count: 10 });
      expect(events[0]?.object).toEqual(object);
    });

    it('writes every field to the events stream, in order', async () => {
      const log = freshLog();
      await log.appendEvent(upsert(gc, 'h1'));
      await log.appendEvent({ ...remove(gc), source: 'resync' });
      const { events, lastId } = await log.readEvents({ count: 10 });
      expect(events.map(({ id: _id, ...rest }) => rest)).toEqual([
        {
          seq: 1, op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: 'rv-h1', generation: 1,
          contentHash: 'h1', object: { spec: { hash: 'h1' } }, time: '2026-01-01T00:00:00.000Z', source: 'watch',
        },
        {
          seq: 2, op: 'delete', objectKey: gc, kind: 'GSLBConfig', resourceVersion: 'rv-deleted',
          generation: undefined, contentHash: undefined, object: undefined, time: '2026-01-01T00:00:01.000Z', source: 'resync',
        },
      ]);
      expect(lastId).toBe(events[1]?.id);
    });

    it('pages through events after a given id', async () => {
      const log = freshLog();
      for (let i = 0; i < 5; i += 1) await log.appendEvent(upsert(gc, `h${i}`));
      const first = await log.readEvents({ count: 2 });
      const second = await log.readEvents({ fromId: first.lastId, count: 2 });
      const rest = await log.readEvents({ fromId: second.lastId, count: 10 });
      expect([...first.events, ...second.events, ...rest.events].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      const empty = await log.readEvents({ fromId: rest.lastId, count: 10 });
      expect(empty).toEqual({ events: [], lastId: rest.lastId });
    });
  });

  describe('when appending only changes', () => {
    it('is a no-op for the same content hash and returns the existing seq', async () => {
      const log = freshLog();
      expect(await log.appendIfChanged(upsert(gc, 'h1'))).toEqual({ appended: true, seq: 1 });
      expect(await log.appendIfChanged({ ...upsert(gc, 'h1'), resourceVersion: 'rv-other' })).toEqual({ appended: false, seq: 1 });
      expect(await log.latestSeq()).toBe(1);
      expect((await log.readEvents({ count: 10 })).events).toHaveLength(1);
    });

    it('appends when the hash differs', async () => {
      const log = freshLog();
      await log.appendIfChanged(upsert(gc, 'h1'));
      expect(await log.appendIfChanged(upsert(gc, 'h2'))).toEqual({ appended: true, seq: 2 });
    });

    it('appends a delete once, and ignores deletes of unknown objects', async () => {
      const log = freshLog();
      expect(await log.appendIfChanged(remove(gdp))).toEqual({ appended: false, seq: 0 });
      await log.appendIfChanged(upsert(gc, 'h1'));
      expect(await log.appendIfChanged(remove(gc))).toEqual({ appended: true, seq: 2 });
      expect(await log.appendIfChanged(remove(gc))).toEqual({ appended: false, seq: 2 });
      expect(await log.appendIfChanged(upsert(gc, 'h1'))).toEqual({ appended: true, seq: 3 });
    });

    it('appends exactly once when concurrent writers race with the same content', async () => {
      const log = freshLog();
      const results = await Promise.all(Array.from({ length: 25 }, () => log.appendIfChanged(upsert(gc, 'same'))));
      expect(results.filter((r) => r.appended)).toHaveLength(1);
      expect(new Set(results.map((r) => r.seq))).toEqual(new Set([1]));
      expect(await log.latestSeq()).toBe(1);
    });
  });

  describe('when the data set is claimed', () => {
    it('creates an incarnation once and keeps the counter', async () => {
      const log = freshLog();
      expect(await log.storeState()).toEqual({ incarnation: undefined, seq: 0 });
      await log.appendEvent(upsert(gdp, 'h0'));
      const first = await log.claimIncarnation({ mode: 'ifAbsent' });
      expect(first.created).toBe(true);
      expect(first.seq).toBe(1);
      const again = await log.claimIncarnation({ mode: 'ifAbsent' });
      expect(again).toEqual({ incarnation: first.incarnation, seq: first.seq, created: false });
      expect(await log.appendEvent(upsert(gc, 'h1'))).toBe(first.seq + 1);
      expect(await log.storeState()).toEqual({ incarnation: first.incarnation, seq: first.seq + 1 });
    });

    it('replaces the incarnation and continues the counter from the highest seq the writer saw', async () => {
      const log = freshLog();
      const first = await log.claimIncarnation({ mode: 'ifAbsent' });
      const replaced = await log.claimIncarnation({ mode: 'replace', minSeq: 500 });
      expect(replaced.incarnation).not.toBe(first.incarnation);
      expect(replaced).toMatchObject({ seq: 500, created: true });
      expect(await log.appendEvent(upsert(gc, 'h1'))).toBe(501);
      expect((await log.claimIncarnation({ mode: 'replace', minSeq: 7 })).seq).toBe(501);
    });
  });

  describe('when an append is guarded', () => {
    it('writes while Redis holds the guarded data set', async () => {
      const log = freshLog();
      const { incarnation, seq } = await log.claimIncarnation({ mode: 'ifAbsent' });
      expect(await log.appendIfChanged(upsert(gc, 'h1'), { incarnation, minSeq: seq })).toEqual({ appended: true, seq: seq + 1 });
    });

    it('refuses, writing nothing, when the data set was lost', async () => {
      const log = freshLog();
      const { incarnation, seq } = await log.claimIncarnation({ mode: 'ifAbsent' });
      await redis.del(log.keys.incarnation, log.keys.seq);
      const refused = log.appendEvent(upsert(gc, 'h1'), { incarnation, minSeq: seq });
      await expect(refused).rejects.toBeInstanceOf(StoreChangedError);
      await expect(refused).rejects.toMatchObject({ code: 'STORE_CHANGED', change: StoreChange.replaced, retryable: true });
      expect(await log.readProjection(gc)).toBeUndefined();
      expect(await log.latestSeq()).toBe(0);
    });

    it('refuses when the counter went back below a seq the writer has seen (older snapshot)', async () => {
      const log = freshLog();
      const { incarnation, seq } = await log.claimIncarnation({ mode: 'ifAbsent' });
      await expect(log.appendEvent(upsert(gc, 'h1'), { incarnation, minSeq: seq + 10 })).rejects.toMatchObject({ change: StoreChange.rolledBack });
      expect(await log.readProjection(gc)).toBeUndefined();
    });
  });

  describe('when a change is logged', () => {
    it("stamps it with Redis's time and the seq it replaced, and drops the stamp with the pruned tombstone", async () => {
      const log = freshLog();
      const before = Date.now();
      const created = await log.appendEvent(upsert(gc, 'h1'));
      expect(await redis.hget(log.keys.changes, gc)).toMatch(new RegExp(`^${created}:\\d+:0$`));
      const updated = await log.appendEvent(upsert(gc, 'h2'));
      const unchanged = await log.appendIfChanged(upsert(gc, 'h2'));
      expect(unchanged.appended).toBe(false);
      const [seq, ms, previous] = String(await redis.hget(log.keys.changes, gc)).split(':').map(Number);
      expect([seq, previous]).toEqual([updated, created]);
      // Redis's clock and this process's are the same host's here.
      expect(ms).toBeGreaterThanOrEqual(before - 1);
      expect(ms).toBeLessThanOrEqual(Date.now() + 1);
      const deleted = await log.appendEvent(remove(gc));
      expect(await log.pruneTombstone(gc, deleted)).toBe(true);
      expect(await redis.hexists(log.keys.changes, gc)).toBe(0);
    });
  });

  describe('when many events are appended', () => {
    it('caps the events stream near maxEvents while seqs keep counting', async () => {
      const log = freshLog(20);
      const total = 600;
      const appends: Promise<number>[] = [];
      for (let i = 0; i < total; i += 1) appends.push(log.appendEvent(upsert(gc, `h${i}`)));
      await Promise.all(appends);
      const length = await redis.xlen(log.keys.events);
      const config = await redis.config('GET', 'stream-node-max-entries');
      const nodeSize = Number((config as string[])[1]);
      // MAXLEN ~ trims whole stream nodes only, so up to one node above the cap may remain.
      expect(length).toBeGreaterThanOrEqual(20);
      expect(length).toBeLessThanOrEqual(20 + nodeSize);
      expect(length).toBeLessThan(total);
      expect(await log.latestSeq()).toBe(total);
      expect((await log.readProjection(gc))?.seq).toBe(total);
    });

    it('lists the whole projection through HSCAN pages', async () => {
      const log = freshLog();
      const keys = Array.from({ length: 260 }, (_, i) => `GSLBHostRule/avi-system/ghr-${i}` as ObjectKey);
      await Promise.all(keys.map((key) => log.appendEvent(upsert(key, key))));
      await log.appendEvent(remove(keys[0] as ObjectKey));
      const listed = [];
      for await (const entry of log.scanProjection(25)) listed.push(entry);
      expect(listed.map((l) => l.objectKey).sort()).toEqual([...keys].sort());
      expect(listed.find((l) => l.objectKey === keys[0])?.entry.state).toBe('absent');
      expect((await log.listProjection()).length).toBe(260);
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
      const log = freshLog();
      await expect(log.appendEvent({ ...upsert(gc, 'h1'), ...change })).rejects.toBeInstanceOf(InvalidRecordError);
      expect(await log.latestSeq()).toBe(0);
    });

    it('rejects a delete that carries an object', async () => {
      await expect(freshLog().appendEvent({ ...remove(gc), object: {} })).rejects.toBeInstanceOf(InvalidRecordError);
    });
  });

  describe('when keys are laid out', () => {
    it('keeps the seq, events, projection, change stamps and history index under the prefix hash tag', () => {
      const log = createFederationLog({ redis, prefix: '{amko-fed}' });
      const keys = federationKeys('{amko-fed}');
      expect(log.keys).toEqual({ seq: keys.seq, events: keys.events, projection: keys.projection, changes: keys.changes, incarnation: keys.incarnation, historyIndex: keys.historyIndex });
      expect(keys.historyOf('GSLBConfig/avi-system/gc-1')).toBe('{amko-fed}:fed:history:GSLBConfig/avi-system/gc-1');
      expect(Object.values(log.keys).every((k) => k.startsWith('{amko-fed}:'))).toBe(true);
    });
  });
});
