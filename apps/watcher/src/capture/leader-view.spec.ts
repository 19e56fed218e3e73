import type { ObjectKey } from '@amko-fed/domain';
import type { ProjectionListing } from '@amko-fed/queue';
import { describe, expect, it } from 'vitest';
import type { LeaderObject } from './leader-object.ts';
import { createLeaderView } from './leader-view.ts';

const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const leaderObject = (key: ObjectKey, hash: string): LeaderObject => ({ key, kind: 'GSLBConfig', resourceVersion: '1', generation: 1, contentHash: hash, object: {}, managers: [] });

async function* projection(...listings: ProjectionListing[]): AsyncIterable<ProjectionListing> {
  yield* listings;
}
const present = (objectKey: ObjectKey, seq: number): ProjectionListing => ({
  objectKey,
  entry: { state: 'present', seq, object: {}, contentHash: `h${seq}`, resourceVersion: String(seq), generation: 1, updatedAt: '2026-12-05T10:00:00Z' },
});

describe('leader view', () => {
  describe('when the leader and the projection both know an object', () => {
    it('keeps one entry holding both sides', () => {
      const view = createLeaderView();
      expect(view.setLeader(leaderObject(gc, 'a'))).toBeUndefined();
      view.set(gc, { seq: 4, state: 'present', contentHash: 'a', resourceVersion: '1' });
      expect(view.leader(gc)?.contentHash).toBe('a');
      expect(view.get(gc)?.seq).toBe(4);
      expect([...view.leaders()].map((o) => o.key)).toEqual([gc]);
      expect([...view.entries()].map(([key]) => key)).toEqual([gc]);
      expect({ size: view.size, maxSeq: view.maxSeq }).toEqual({ size: 1, maxSeq: 4 });
    });
  });

  describe('when the leader deletes an object', () => {
    it('remembers the deletion until it is recorded, and keeps the recorded side', () => {
      const view = createLeaderView();
      view.setLeader(leaderObject(gc, 'a'));
      view.set(gc, { seq: 4, state: 'present', contentHash: 'a', resourceVersion: '1' });
      expect(view.deleteLeader(gc, '9')).toBe(true);
      expect(view.deleteLeader(gc, '10')).toBe(false);
      expect({ leader: view.leader(gc), deleted: view.deletedVersion(gc), recorded: view.get(gc)?.seq }).toEqual({ leader: undefined, deleted: '9', recorded: 4 });
      view.forgetDeletion(gc);
      expect(view.deletedVersion(gc)).toBeUndefined();
      expect([...view.leaders()]).toEqual([]);
    });
  });

  describe('when the projection is loaded again (Redis lost its data)', () => {
    it('replaces the recorded side only, and never lowers maxSeq', async () => {
      const view = createLeaderView();
      view.setLeader(leaderObject(gc, 'a'));
      view.set(gc, { seq: 40, state: 'present', contentHash: 'a', resourceVersion: '1' });
      view.set(gdp, { seq: 41, state: 'absent', contentHash: undefined, resourceVersion: '2' });
      await view.load(projection(present(gdp, 3)));
      expect(view.get(gc)).toBeUndefined();
      expect(view.get(gdp)?.seq).toBe(3);
      expect(view.leader(gc)?.contentHash).toBe('a');
      expect({ size: view.size, maxSeq: view.maxSeq, keys: view.keys(['GSLBConfig', 'GlobalDeploymentPolicy']) }).toEqual({ size: 1, maxSeq: 41, keys: [gdp] });
    });
  });
});
