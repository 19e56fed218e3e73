import type { ObjectKey } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { keysToConverge, resyncJobs, unknownFollowerKeys } from './plan-resync.ts';

const gc1 = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gcOld = 'GSLBConfig/avi-system/gc-old' as ObjectKey;
const gcExtra = 'GSLBConfig/avi-system/gc-extra' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;

const index = new Map<ObjectKey, { seq: number; state: 'present' | 'absent' }>([
  [gc1, { seq: 7, state: 'present' }],
  [gcOld, { seq: 3, state: 'present' }],
  [gdp, { seq: 5, state: 'absent' }],
]);

describe('keysToConverge', () => {
  describe('when the projection holds objects the leader no longer has', () => {
    it('converges every leader key and those stale keys, not the tombstones', () => {
      expect(keysToConverge(new Set([gc1]), index.entries())).toEqual([gc1, gcOld]);
    });
  });
});

describe('unknownFollowerKeys', () => {
  describe('when a follower holds an object nobody else knows', () => {
    it('returns it once, ignoring known keys and failed listings', () => {
      const followerKeys = new Map<string, ReadonlySet<ObjectKey> | undefined>([
        ['cluster2', new Set([gc1, gcExtra])],
        ['cluster3', new Set([gcExtra, gdp])],
        ['cluster4', undefined],
      ]);
      expect(unknownFollowerKeys(followerKeys, new Set([gc1]), index)).toEqual([gcExtra]);
    });
  });
});

describe('resyncJobs', () => {
  describe('when a follower was listed', () => {
    it('reconciles the leader keys plus what that follower holds, at the projection seq', () => {
      const withTombstone = new Map(index).set(gcExtra, { seq: 9, state: 'absent' });
      const jobs = resyncJobs(['cluster2'], new Set([gc1]), new Map([['cluster2', new Set([gcExtra])]]), [...withTombstone.keys()], withTombstone);
      expect(jobs).toEqual([
        { cluster: 'cluster2', objectKey: gc1, seq: 7, reason: 'resync' },
        { cluster: 'cluster2', objectKey: gcExtra, seq: 9, reason: 'resync' },
      ]);
    });
  });

  describe('when listing a follower failed', () => {
    it('reconciles every projection key there, tombstones included', () => {
      const jobs = resyncJobs(['cluster3'], new Set([gc1]), new Map([['cluster3', undefined]]), [...index.keys()], index);
      expect(jobs.map((j) => j.objectKey)).toEqual([gc1, gcOld, gdp]);
    });
  });

  describe('when a key has no projection entry', () => {
    it('skips it', () => {
      expect(resyncJobs(['cluster2'], new Set([gcExtra]), new Map([['cluster2', new Set<ObjectKey>()]]), [], index)).toEqual([]);
    });
  });
});
