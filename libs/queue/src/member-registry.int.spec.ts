import type { MembersDocument } from '@amko-fed/domain';
import { isolatedPrefix } from '@amko-fed/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, redisFixture } from '../test/redis-fixture.ts';
import { InvalidRecordError } from './errors/invalid-record-error.ts';
import { createMemberRegistry } from './member-registry.ts';

const fixture = redisFixture(isolatedPrefix('members'));
const redis = fixture.connect();
const admin = fixture.connect();
afterAll(() => fixture.close());

let counter = 0;
function freshRegistry() {
  counter += 1;
  return createMemberRegistry({ redis, prefix: `${fixture.prefix}-${counter}`, clock: () => new Date('2026-02-03T04:05:06.000Z') });
}

const members = [
  { cluster: 'follower-a', state: 'valid' as const },
  { cluster: 'follower-b', state: 'invalid' as const, reason: 'cluster context follower-b not found' },
  { cluster: 'follower-c', state: 'stop' as const },
];

describe('member registry', () => {
  describe('when nothing was published', () => {
    it('reads undefined', async () => {
      expect(await freshRegistry().readMembers()).toBeUndefined();
    });
  });

  describe('when members are published', () => {
    it('round-trips the document with an increasing revision', async () => {
      const registry = freshRegistry();
      const first = await registry.publishMembers({ leader: 'leader-1', members, generation: 4 });
      expect(first).toEqual({ revision: 1, leader: 'leader-1', members, generation: 4, at: '2026-02-03T04:05:06.000Z' });
      expect(await registry.readMembers()).toEqual(first);
      const second = await registry.publishMembers({ leader: 'leader-1', members: members.slice(0, 1) });
      expect(second.revision).toBe(2);
      expect(await registry.readMembers()).toEqual(second);
    });

    it('rejects a member listed twice or an invalid cluster name', async () => {
      const registry = freshRegistry();
      await expect(
        registry.publishMembers({ leader: 'l', members: [members[0], members[0]].filter((m) => m !== undefined) }),
      ).rejects.toBeInstanceOf(InvalidRecordError);
      await expect(
        registry.publishMembers({ leader: 'l', members: [{ cluster: 'a\nb', state: 'valid' }] }),
      ).rejects.toBeInstanceOf(InvalidRecordError);
      expect(await registry.readMembers()).toBeUndefined();
    });
  });

  describe('when watching', () => {
    it('delivers the current document, then each new revision, until unsubscribed', async () => {
      const registry = freshRegistry();
      await registry.publishMembers({ leader: 'leader-1', members });
      const seen: MembersDocument[] = [];
      const errors: unknown[] = [];
      const unsubscribe = await registry.watchMembers((doc) => void seen.push(doc), { onError: (e) => errors.push(e) });
      expect(seen.map((d) => d.revision)).toEqual([1]);

      await registry.publishMembers({ leader: 'leader-1', members: members.slice(1) });
      await eventually(() => seen.length, (n) => n === 2);
      expect(seen[1]?.members).toEqual(members.slice(1));

      await unsubscribe();
      await registry.publishMembers({ leader: 'leader-1', members: [] });
      // The subscriber connection is gone, so nothing can deliver revision 3 any more.
      expect(seen.map((d) => d.revision)).toEqual([1, 2]);
      expect(errors).toEqual([]);
    });

    it('catches up after its subscriber connection was killed', async () => {
      const registry = freshRegistry();
      await registry.publishMembers({ leader: 'leader-1', members });
      const seen: number[] = [];
      const unsubscribe = await registry.watchMembers((doc) => void seen.push(doc.revision), {
        onError: () => undefined,
        pollIntervalMs: 60_000,
      });
      const clients = (await admin.client('LIST')) as string;
      const ids = clients
        .split('\n')
        .filter((line) => line.includes('name=amko-fed-members-watch'))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
        .filter((id): id is string => id !== undefined);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) await admin.client('KILL', 'ID', id);
      await registry.publishMembers({ leader: 'leader-1', members: [] });
      await eventually(() => seen, (s) => s.at(-1) === 2);
      expect(seen).toEqual([1, 2]);
      await unsubscribe();
    });
  });
});
