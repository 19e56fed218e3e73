import type { ObjectKey } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { DELETING, Divergence, divergencesOf, keysToConverge, resyncJobs, unknownFollowerKeys, type FollowerObjects, type ResyncJobsInput } from './plan-resync.ts';

const gc1 = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gcOld = 'GSLBConfig/avi-system/gc-old' as ObjectKey;
const gcExtra = 'GSLBConfig/avi-system/gc-extra' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;

const index = new Map<ObjectKey, { seq: number; state: 'present' | 'absent' }>([
  [gc1, { seq: 7, state: 'present' }],
  [gcOld, { seq: 3, state: 'present' }],
  [gdp, { seq: 5, state: 'absent' }],
  [gcExtra, { seq: 9, state: 'absent' }],
]);
const leader = new Map<ObjectKey, string>([[gc1, 'hash-1']]);

function jobs(followers: [string, FollowerObjects | undefined][], overrides: Partial<ResyncJobsInput> = {}) {
  return resyncJobs({
    clusters: followers.map(([c]) => c),
    leader,
    followers: new Map(followers),
    projectedKeys: [...index.keys()],
    index,
    unconfirmed: () => false,
    ...overrides,
  }).map((j) => `${j.cluster} ${j.objectKey} ${j.seq} ${j.reason ?? ''}`);
}

describe('keysToConverge', () => {
  describe('when the projection holds objects the leader no longer has', () => {
    it('converges every leader key and those stale keys, not the tombstones', () => {
      expect(keysToConverge(leader.keys(), index.entries())).toEqual([gc1, gcOld]);
    });
  });
});

describe('unknownFollowerKeys', () => {
  describe('when a follower holds an object nobody else knows', () => {
    it('returns it once, ignoring known keys and failed listings', () => {
      const stray = 'GSLBConfig/avi-system/stray' as ObjectKey;
      const followers = new Map<string, FollowerObjects | undefined>([
        ['cluster2', new Map([[gc1, 'x'], [stray, 'y']])],
        ['cluster3', new Map([[stray, 'y'], [gdp, 'z']])],
        ['cluster4', undefined],
      ]);
      expect(unknownFollowerKeys(followers, leader, index)).toEqual([stray]);
    });
  });
});

describe('resyncJobs', () => {
  describe('when a follower already holds exactly the leader\'s objects', () => {
    it('enqueues nothing for it', () => {
      expect(jobs([['cluster2', new Map([[gc1, 'hash-1']])]])).toEqual([]);
    });
  });

  describe('when a follower differs from the leader', () => {
    it.each([
      ['misses an object', new Map<ObjectKey, string>()],
      ['holds other content (drift)', new Map([[gc1, 'edited']])],
      ['is deleting it', new Map([[gc1, DELETING]])],
    ])('reconciles the object when it %s, at the projection seq', (_what, listed) => {
      expect(jobs([['cluster2', listed]])).toEqual(['cluster2 GSLBConfig/avi-system/gc-1 7 resync']);
    });

    it('reconciles the objects only it holds, so the tombstones remove them', () => {
      expect(jobs([['cluster2', new Map([[gc1, 'hash-1'], [gcExtra, 'x']])]])).toEqual(['cluster2 GSLBConfig/avi-system/gc-extra 9 resync']);
    });
  });

  describe('when the follower\'s last apply of an object failed', () => {
    it('reconciles it even if it looks equal, so a new result replaces the failure', () => {
      expect(jobs([['cluster2', new Map([[gc1, 'hash-1']])]], { unconfirmed: (c, k) => c === 'cluster2' && k === gc1 })).toEqual([
        'cluster2 GSLBConfig/avi-system/gc-1 7 resync',
      ]);
    });
  });

  describe('when the follower\'s result of a deletion is not confirmed (older, or failed)', () => {
    it('reconciles the tombstone there although the follower does not hold the object', () => {
      expect(jobs([['cluster2', new Map([[gc1, 'hash-1']])]], { unconfirmed: (c, k) => c === 'cluster2' && k === gdp })).toEqual([
        'cluster2 GlobalDeploymentPolicy/avi-system/global-gdp 5 resync',
      ]);
    });
  });

  describe('when listing a follower failed', () => {
    it('reconciles every object there, tombstones included', () => {
      expect(jobs([['cluster3', undefined]])).toEqual([
        'cluster3 GSLBConfig/avi-system/gc-1 7 resync',
        'cluster3 GSLBConfig/avi-system/gc-old 3 resync',
        'cluster3 GlobalDeploymentPolicy/avi-system/global-gdp 5 resync',
        'cluster3 GSLBConfig/avi-system/gc-extra 9 resync',
      ]);
    });
  });

  describe('when a key has no projection entry', () => {
    it('skips it', () => {
      const stray = 'GSLBConfig/avi-system/stray' as ObjectKey;
      expect(jobs([['cluster2', new Map([[gc1, 'hash-1'], [stray, 'x']])]])).toEqual([]);
    });
  });
});

describe('divergencesOf', () => {
  it.each<[string, FollowerObjects, [ObjectKey, Divergence][]]>([
    ['holds exactly the leader\'s objects', new Map([[gc1, 'hash-1']]), []],
    ['misses an object', new Map(), [[gc1, Divergence.missing]]],
    ['holds other content', new Map([[gc1, 'edited']]), [[gc1, Divergence.differs]]],
    ['is deleting it', new Map([[gc1, DELETING]]), [[gc1, Divergence.deleting]]],
    ['holds an object the leader does not have', new Map([[gc1, 'hash-1'], [gcExtra, 'x']]), [[gcExtra, Divergence.extra]]],
  ])('when the follower %s', (_what, listed, expected) => {
    expect([...divergencesOf(leader, listed)]).toEqual(expected);
  });
});
