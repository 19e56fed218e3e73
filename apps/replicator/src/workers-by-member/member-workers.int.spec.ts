import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GC_KEY, gslbConfig, replicatorFixture, specOf, type ReplicatorFixture } from '../../test/fixture.ts';
import type { Replicator } from '../replicator.ts';

const FOLLOWERS = ['follower1', 'follower2', 'follower3'];
let fx: ReplicatorFixture;
let replicator: Replicator;

beforeAll(async () => {
  fx = await replicatorFixture({ followers: FOLLOWERS });
  replicator = await fx.startReplicator();
});
afterAll(() => fx.close());

const interval = async (cluster: string): Promise<unknown> => specOf(await fx.followerObject(cluster, GC_KEY))?.['refreshInterval'];

describe('workers per member', () => {
  describe('before the watcher published a member registry', () => {
    it('runs no worker and is ready', async () => {
      const health = await replicator.health();
      expect(health.followers).toEqual([]);
      expect(health.ready).toBe(true);
      expect(health.checks.find((c) => c.name === 'member-registry')?.detail).toBe('not published yet');
    });
  });

  describe('when the registry lists valid, invalid and stopped followers', () => {
    it('runs workers for the valid ones only and leaves the others queued', async () => {
      await fx.publishMembers({ follower2: 'invalid', follower3: 'stop' });
      await eventually(async () => (await replicator.health()).followers, (f) => f.length === 1);
      expect((await replicator.health()).followers).toEqual(['follower1']);

      await fx.upsert(gslbConfig(5));
      await eventually(() => interval('follower1'), (v) => v === 5);
      expect(await interval('follower2')).toBeUndefined();
      const waiting = await fx.queues.counts('follower2');
      expect(waiting.waiting + waiting.prioritized).toBe(1);
    });
  });

  describe('when an invalid follower becomes valid again', () => {
    it('starts its worker, which works off the queued jobs', async () => {
      await fx.publishMembers({ follower3: 'stop' });
      await eventually(() => interval('follower2'), (v) => v === 5);
      expect((await replicator.health()).followers).toEqual(['follower1', 'follower2']);
      expect(await interval('follower3')).toBeUndefined();
    });
  });

  describe('when a follower leaves the registry', () => {
    it('stops its worker', async () => {
      await fx.registry.publishMembers({ leader: 'leader', members: [{ cluster: 'follower2', state: 'valid' }] });
      await eventually(async () => (await replicator.health()).followers, (f) => f.length === 1 && f[0] === 'follower2');
      await fx.upsert(gslbConfig(6), ['follower1', 'follower2']);
      await eventually(() => interval('follower2'), (v) => v === 6);
      expect(await interval('follower1')).toBe(5);
    });
  });

  describe('when the registry lists the leader itself', () => {
    it('never starts a worker for it', async () => {
      await fx.registry.publishMembers({ leader: 'leader', members: [{ cluster: 'leader', state: 'valid' }, { cluster: 'follower1', state: 'valid' }] });
      await eventually(async () => (await replicator.health()).followers, (f) => f.join() === 'follower1');
      expect((await replicator.health()).followers).toEqual(['follower1']);
    });
  });
});
