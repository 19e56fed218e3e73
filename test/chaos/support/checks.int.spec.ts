/**
 * The chaos suite's own checks against a real emulated cluster: the regression observer flags an
 * older value replacing a newer one (and not a delete then re-create), and the content diff names
 * missing, not-deleted and different objects. A check that never fires would let every scenario pass.
 */
import { startEmulatedCluster, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { createKubeRest, type KubeRest } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentOf, divergences } from './content.ts';
import { bodyOf, collectionPath, counterPatch, GHR, objectPath } from './objects.ts';
import { observeFollowers } from './observer.ts';

let cluster: EmulatedCluster;
let rest: KubeRest;

beforeAll(async () => {
  cluster = await startEmulatedCluster({ name: 'follower1' });
  rest = createKubeRest(cluster);
});
afterAll(async () => {
  rest?.close();
  await cluster?.close();
});

describe('observeFollowers', () => {
  describe('when a follower object moves back to an older value', () => {
    it('records a regression with both values', async () => {
      const observer = observeFollowers([cluster]);
      try {
        await rest.create(collectionPath(GHR), bodyOf(GHR, 'back', 1));
        await rest.mergePatch(objectPath(GHR, 'back'), counterPatch(GHR, 3));
        await rest.mergePatch(objectPath(GHR, 'back'), counterPatch(GHR, 2));
        expect(observer.regressions.map(({ follower, object, from, to }) => ({ follower, object, from, to }))).toEqual([
          { follower: 'follower1', object: 'GSLBHostRule/back', from: 3, to: 2 },
        ]);
      } finally {
        observer.close();
      }
    });
  });

  describe('when a follower object is deleted and re-created with a lower value', () => {
    it('records no regression', async () => {
      const observer = observeFollowers([cluster]);
      try {
        await rest.create(collectionPath(GHR), bodyOf(GHR, 'again', 5));
        await rest.delete(objectPath(GHR, 'again'));
        await rest.create(collectionPath(GHR), bodyOf(GHR, 'again', 1));
        expect(observer.regressions).toEqual([]);
        expect(observer.changes).toBe(3);
      } finally {
        observer.close();
      }
    });
  });
});

describe('divergences', () => {
  describe('when a follower lacks one object, keeps a deleted one and holds an older copy of another', () => {
    it('names each with the leader and follower values', async () => {
      await rest.create(collectionPath(GHR), bodyOf(GHR, 'kept-deleted', 1));
      await rest.create(collectionPath(GHR), bodyOf(GHR, 'old', 1));
      const follower = await contentOf(rest);
      const leader = new Map(follower);
      leader.delete('GSLBHostRule/kept-deleted');
      leader.set('GSLBHostRule/old', { spec: 'newer', counter: 2 });
      leader.set('GSLBHostRule/missing', { spec: 'x', counter: 7 });
      expect(divergences('follower1', leader, follower)).toEqual([
        { follower: 'follower1', object: 'GSLBHostRule/old', what: 'different', leader: 2, onFollower: 1 },
        { follower: 'follower1', object: 'GSLBHostRule/missing', what: 'missing', leader: 7, onFollower: undefined },
        { follower: 'follower1', object: 'GSLBHostRule/kept-deleted', what: 'not deleted', leader: undefined, onFollower: 1 },
      ]);
      expect(divergences('follower1', follower, follower)).toEqual([]);
    });
  });
});
