/**
 * What every MemberRegistry must do, run against the Redis registry (stores.contract.int.spec.ts)
 * and the in-memory fake (in-memory-stores.spec.ts).
 */
import type { MembersDocument } from '@amko-fed/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidRecordError } from '../errors/invalid-record-error.ts';
import { poll, type MakeStores, type StoresSubject } from './contract-subject.ts';

const members = [
  { cluster: 'follower-a', state: 'valid' as const },
  { cluster: 'follower-b', state: 'invalid' as const, reason: 'cluster context follower-b not found' },
  { cluster: 'follower-c', state: 'stop' as const },
];

export function memberRegistryContract(label: string, makeStores: MakeStores): void {
  describe(`MemberRegistry contract: ${label}`, () => {
    const open: StoresSubject[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    async function fresh(): Promise<StoresSubject> {
      const subject = await makeStores({ clock: () => new Date('2026-02-03T04:05:06.000Z') });
      open.push(subject);
      return subject;
    }

    describe('when nothing was published', () => {
      it('reads undefined', async () => {
        expect(await (await fresh()).registry.readMembers()).toBeUndefined();
      });
    });

    describe('when members are published', () => {
      it('round-trips the document with an increasing revision', async () => {
        const { registry } = await fresh();
        const first = await registry.publishMembers({ leader: 'leader-1', members, generation: 4 });
        expect(first).toEqual({ revision: 1, leader: 'leader-1', members, generation: 4, at: '2026-02-03T04:05:06.000Z' });
        expect(await registry.readMembers()).toEqual(first);
        const second = await registry.publishMembers({ leader: 'leader-1', members: members.slice(0, 1) });
        expect(second.revision).toBe(2);
        expect(await registry.readMembers()).toEqual(second);
      });

      it('rejects a member listed twice or an invalid cluster name', async () => {
        const { registry } = await fresh();
        const first = members[0] as (typeof members)[number];
        await expect(registry.publishMembers({ leader: 'l', members: [first, first] })).rejects.toBeInstanceOf(InvalidRecordError);
        await expect(registry.publishMembers({ leader: 'l', members: [{ cluster: 'a\nb', state: 'valid' }] })).rejects.toBeInstanceOf(InvalidRecordError);
        expect(await registry.readMembers()).toBeUndefined();
      });
    });

    describe('when watching', () => {
      it('delivers the current document, then each new revision, until unsubscribed', async () => {
        const { registry } = await fresh();
        await registry.publishMembers({ leader: 'leader-1', members });
        const seen: MembersDocument[] = [];
        const errors: unknown[] = [];
        const unsubscribe = await registry.watchMembers((doc) => void seen.push(doc), { onError: (e) => errors.push(e) });
        expect(seen.map((d) => d.revision)).toEqual([1]);
        await registry.publishMembers({ leader: 'leader-1', members: members.slice(1) });
        await poll(() => seen.length, (n) => n === 2);
        expect(seen[1]?.members).toEqual(members.slice(1));
        await unsubscribe();
        await registry.publishMembers({ leader: 'leader-1', members: [] });
        expect(seen.map((d) => d.revision)).toEqual([1, 2]);
        expect(errors).toEqual([]);
      });

      it('reports a failing onChange to onError and keeps watching', async () => {
        const { registry } = await fresh();
        const errors: unknown[] = [];
        const seen: number[] = [];
        const unsubscribe = await registry.watchMembers((doc) => {
          seen.push(doc.revision);
          if (doc.revision === 1) throw new Error('boom');
        }, { onError: (e) => errors.push(e) });
        await registry.publishMembers({ leader: 'l', members });
        await poll(() => errors.length, (n) => n === 1);
        await registry.publishMembers({ leader: 'l', members: [] });
        await poll(() => seen, (s) => s.at(-1) === 2);
        await unsubscribe();
        expect((errors[0] as Error).message).toBe('boom');
      });
    });

    describe('when the data set is lost', () => {
      it('reads undefined, and the next document (revision 1 again) reaches watchers as a change', async () => {
        const subject = await fresh();
        const { registry } = subject;
        await registry.publishMembers({ leader: 'leader-1', members });
        await registry.publishMembers({ leader: 'leader-1', members });
        const seen: number[] = [];
        const unsubscribe = await registry.watchMembers((doc) => void seen.push(doc.revision), { onError: () => undefined });
        await subject.loseData();
        expect(await registry.readMembers()).toBeUndefined();
        expect((await registry.publishMembers({ leader: 'leader-1', members: [] })).revision).toBe(1);
        await poll(() => seen, (s) => s.length === 2);
        await unsubscribe();
        expect(seen).toEqual([2, 1]);
      });
    });
  });
}
