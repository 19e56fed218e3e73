import { describe, expect, it } from 'vitest';
import { assessPromoteReadiness, isNewerCopy, MemberRole, promotionBehind, type CopySeen, type MemberSeen, type PromoteReadiness } from './promote-readiness.ts';

const GC = 'GSLBConfig/avi-system/gc-1';
const GDP = 'GlobalDeploymentPolicy/avi-system/global-gdp';
const GHR = 'GSLBHostRule/avi-system/shop';

/** A copy written by `source` at `epoch` from the leader's resourceVersion `rv`, content `hash`. */
const copy = (objectKey: string, epoch: number | undefined, rv: string, hash: string, options: { source?: string; at?: string } = {}): CopySeen => ({
  objectKey, sourceCluster: options.source ?? 'cluster1', sourceResourceVersion: rv, contentHash: hash, epoch, appliedAt: options.at,
});
const follower = (cluster: string, copies: CopySeen[], token: { leader: string; epoch: number } | undefined = { leader: 'cluster1', epoch: 1 }): MemberSeen => ({
  cluster, reachable: true, isLeader: false, token, copies,
});
/** A follower no leader has reached yet: no token, no copies. */
const fresh = (cluster: string): MemberSeen => ({ cluster, reachable: true, isLeader: false, token: undefined, copies: [] });
const leader = (cluster: string, copies: CopySeen[] = []): MemberSeen => ({ cluster, reachable: true, isLeader: true, token: undefined, copies });
const down = (cluster: string): MemberSeen => ({ cluster, reachable: false, error: 'connect ECONNREFUSED' });

/** `cluster object state` per behind entry: the compact form the table asserts on. */
const behindOf = (r: PromoteReadiness) => r.behind.map((b) => `${b.cluster} ${b.objectKey} ${b.state}`);

interface Case {
  readonly given: string;
  readonly members: MemberSeen[];
  readonly behind: string[];
  readonly safest: string[];
  readonly recommendation: string[];
}

const cases: Case[] = [
  {
    given: 'one follower applied two later leader changes than the other (same leader, same epoch)',
    members: [down('cluster1'), follower('cluster2', [copy(GC, 1, '10', 'a'), copy(GDP, 1, '11', 'b')]), follower('cluster3', [copy(GC, 1, '20', 'c'), copy(GDP, 1, '21', 'd')])],
    behind: [`cluster2 ${GDP} older`, `cluster2 ${GC} older`],
    safest: ['cluster3'],
    recommendation: ['cluster3 is the safest to promote: it holds the newest copy of every object', `cluster3 holds the newest state of 2 objects that cluster2 lacks: ${GC}, ${GDP}`],
  },
  {
    given: 'resourceVersions compare as numbers, not as text',
    members: [follower('cluster2', [copy(GC, 1, '9', 'a')]), follower('cluster3', [copy(GC, 1, '10', 'b')])],
    behind: [`cluster2 ${GC} older`],
    safest: ['cluster3'],
    recommendation: ['cluster3 is the safest to promote: it holds the newest copy of every object', `cluster3 holds the newest state of 1 object that cluster2 lacks: ${GC}`],
  },
  {
    given: 'a copy from a later leadership against a higher resourceVersion from an earlier one',
    members: [follower('cluster2', [copy(GC, 1, '900', 'a')]), follower('cluster3', [copy(GC, 2, '5', 'b', { source: 'cluster4' })], { leader: 'cluster4', epoch: 2 }), down('cluster4')],
    behind: [`cluster2 ${GC} older`],
    safest: ['cluster3'],
    recommendation: ['cluster3 is the safest to promote: it holds the newest copy of every object', `cluster3 holds the newest state of 1 object that cluster2 lacks: ${GC}`],
  },
  {
    given: 'copies written before epochs existed against one with an epoch',
    members: [follower('cluster2', [copy(GC, undefined, '50', 'a')]), follower('cluster3', [copy(GC, 1, '40', 'b')])],
    behind: [`cluster2 ${GC} older`],
    safest: ['cluster3'],
    recommendation: ['cluster3 is the safest to promote: it holds the newest copy of every object', `cluster3 holds the newest state of 1 object that cluster2 lacks: ${GC}`],
  },
  {
    given: 'a follower lacks an object the other holds',
    members: [follower('cluster2', [copy(GC, 1, '10', 'a')]), follower('cluster3', [copy(GC, 1, '10', 'a'), copy(GHR, 1, '12', 'h')])],
    behind: [`cluster2 ${GHR} missing`],
    safest: ['cluster3'],
    recommendation: ['cluster3 is the safest to promote: it holds the newest copy of every object', `cluster3 holds the newest state of 1 object that cluster2 lacks: ${GHR}`],
  },
  {
    given: 'an older copy whose content is the newest content (the new leader rewrote it unchanged)',
    members: [follower('cluster2', [copy(GC, 1, '10', 'a')]), follower('cluster3', [copy(GC, 2, '3', 'a', { source: 'cluster4' })], { leader: 'cluster4', epoch: 2 })],
    behind: [],
    safest: ['cluster3', 'cluster2'],
    recommendation: ['cluster3 and cluster2 hold the newest copy of every object; cluster3 followed the latest leadership and is the safest to promote'],
  },
  {
    given: 'two leaders wrote at the same epoch (a race): the copies are not ordered',
    members: [follower('cluster2', [copy(GC, 3, '10', 'a', { source: 'cluster1' })]), follower('cluster3', [copy(GC, 3, '10', 'b', { source: 'cluster4' })])],
    behind: [],
    safest: ['cluster2', 'cluster3'],
    recommendation: ['cluster2 and cluster3 hold the newest copy of every object; cluster2 followed the latest leadership and is the safest to promote'],
  },
  {
    given: 'each follower holds the newest state of a different object',
    members: [follower('cluster2', [copy(GC, 1, '30', 'a'), copy(GDP, 1, '10', 'b')]), follower('cluster3', [copy(GC, 1, '20', 'c'), copy(GDP, 1, '31', 'd')])],
    behind: [`cluster2 ${GDP} older`, `cluster3 ${GC} older`],
    safest: [],
    recommendation: [
      'no reachable follower holds the newest copy of every object; cluster2 lacks the fewest (1): restore the others from a backup onto the one you promote, or promote with --force',
      `cluster3 holds the newest state of 1 object that cluster2 lacks: ${GDP}`,
      `cluster2 holds the newest state of 1 object that cluster3 lacks: ${GC}`,
    ],
  },
  {
    given: 'a reachable leader holds objects with stale provenance of its own',
    members: [leader('cluster1', [copy(GC, 9, '999', 'z')]), follower('cluster2', [copy(GC, 1, '10', 'a')]), follower('cluster3', [copy(GC, 1, '10', 'a')])],
    behind: [],
    safest: ['cluster2', 'cluster3'],
    recommendation: ['cluster2 and cluster3 hold the newest copy of every object; cluster2 followed the latest leadership and is the safest to promote'],
  },
  {
    given: 'no follower holds any copy',
    members: [down('cluster1'), fresh('cluster2'), fresh('cluster3')],
    behind: [],
    safest: ['cluster2', 'cluster3'],
    recommendation: ['no reachable follower holds a federated copy: cluster2 and cluster3 are equally ready (restore a backup onto the one you promote)'],
  },
  {
    given: 'no follower is reachable',
    members: [down('cluster1'), down('cluster2')],
    behind: [],
    safest: [],
    recommendation: ['no reachable follower to compare: nothing to recommend'],
  },
];

describe('assessPromoteReadiness', () => {
  describe.each(cases)('when $given', ({ members, behind, safest, recommendation }) => {
    const readiness = assessPromoteReadiness(members);
    it('lists the objects each follower is behind on', () => {
      expect(behindOf(readiness).sort()).toEqual([...behind].sort());
    });
    it('ranks the followers that are behind on nothing', () => {
      expect(readiness.safest).toEqual(safest);
    });
    it('recommends in words', () => {
      expect(readiness.recommendation).toEqual(recommendation);
    });
  });

  describe('when the members are read', () => {
    const readiness = assessPromoteReadiness([
      down('cluster1'),
      follower('cluster2', [copy(GC, 1, '10', 'a', { at: '2026-12-06T01:00:00.000Z' }), copy(GDP, 1, '11', 'b', { at: '2026-12-06T02:00:00.000Z' })]),
      follower('cluster3', [copy(GC, 1, '10', 'a')]),
      fresh('cluster4'),
    ]);

    it('shows each follower with its token, copy count and newest applied time (undefined when none is stamped)', () => {
      expect(readiness.members).toEqual([
        { cluster: 'cluster1', role: MemberRole.Unreachable, error: 'connect ECONNREFUSED', oldLeader: true },
        { cluster: 'cluster2', role: MemberRole.Candidate, token: { leader: 'cluster1', epoch: 1 }, copies: 2, lastChangeAt: '2026-12-06T02:00:00.000Z', behind: [] },
        { cluster: 'cluster3', role: MemberRole.Candidate, token: { leader: 'cluster1', epoch: 1 }, copies: 1, lastChangeAt: undefined, behind: [GDP] },
        { cluster: 'cluster4', role: MemberRole.Candidate, token: undefined, copies: 0, lastChangeAt: undefined, behind: [GC, GDP] },
      ]);
    });

    it('gives per object the newest version and each candidate\'s state', () => {
      expect(readiness.objects.find((o) => o.objectKey === GC)).toEqual({
        objectKey: GC, diverged: false,
        newest: [{ sourceCluster: 'cluster1', sourceResourceVersion: '10', contentHash: 'a', epoch: 1 }],
        states: [{ cluster: 'cluster2', state: 'newest' }, { cluster: 'cluster3', state: 'newest' }, { cluster: 'cluster4', state: 'missing' }],
      });
    });
  });

  describe('when the old leader is reachable and was demoted', () => {
    const readiness = assessPromoteReadiness([follower('cluster1', []), follower('cluster2', [copy(GC, 1, '10', 'a')])]);
    it('shows it as the old leader, not a candidate lacking every object', () => {
      expect(readiness.members[0]).toMatchObject({ cluster: 'cluster1', role: MemberRole.OldLeader, behind: [] });
      expect(readiness.behind).toEqual([]);
    });
  });

  describe('when two leaders raced at one epoch', () => {
    it('marks the object diverged with both versions newest', () => {
      const readiness = assessPromoteReadiness(cases[6]!.members);
      expect(readiness.objects[0]).toMatchObject({ diverged: true, states: [{ state: 'newest' }, { state: 'newest' }] });
      expect(readiness.objects[0]?.newest).toHaveLength(2);
    });
  });
});

describe('isNewerCopy', () => {
  const v = (epoch: number | undefined, rv: string, source = 'cluster1') => ({ sourceCluster: source, sourceResourceVersion: rv, contentHash: 'h', epoch });
  it.each([
    ['a higher epoch', v(2, '1'), v(1, '100'), true],
    ['a lower epoch', v(1, '100'), v(2, '1'), false],
    ['the same epoch and source, a higher resourceVersion', v(1, '11'), v(1, '9'), true],
    ['the same copy', v(1, '9'), v(1, '9'), false],
    ['the same epoch, another source', v(1, '11'), v(1, '9', 'cluster4'), false],
    ['a resourceVersion that is not a number', v(1, 'abc'), v(1, '9'), false],
    ['an epoch against none', v(1, '1'), v(undefined, '100'), true],
  ])('is %s newer: %s', (_name, a, b, expected) => {
    expect(isNewerCopy(a, b)).toBe(expected);
  });
});

describe('promotionBehind', () => {
  const readiness = assessPromoteReadiness(cases[0]!.members);
  describe('when the target lacks the newest state of some objects', () => {
    it('names them and the better candidate', () => {
      expect(promotionBehind(readiness, 'cluster2')).toEqual({ better: 'cluster3', objects: readiness.behind.filter((b) => b.cluster === 'cluster2') });
    });
  });
  describe('when the target holds the newest state of every object', () => {
    it('has nothing against it', () => {
      expect(promotionBehind(readiness, 'cluster3')).toBeUndefined();
      expect(promotionBehind(readiness, 'cluster1')).toBeUndefined();
    });
  });
});

describe('assessPromoteReadiness with objects held locally', () => {
  describe('when the target holds its objects as its own (restored from a backup before promoting, as the runbook does)', () => {
    const restored: MemberSeen = { cluster: 'cluster1', reachable: true, isLeader: false, token: { leader: 'cluster2', epoch: 1 }, copies: [], local: [GC, GDP] };
    const readiness = assessPromoteReadiness([restored, follower('cluster3', [copy(GC, 1, '10', 'a', { source: 'cluster2' }), copy(GDP, 1, '11', 'b', { source: 'cluster2' })], { leader: 'cluster2', epoch: 1 }), down('cluster2')]);

    it('shows them as local, not missing, and does not hold them against it', () => {
      expect(readiness.objects.map((o) => o.states.find((s) => s.cluster === 'cluster1')?.state)).toEqual(['local', 'local']);
      expect(behindOf(readiness)).toEqual([]);
      expect(promotionBehind(readiness, 'cluster1')).toBeUndefined();
    });
  });

  describe('when the target holds only some objects locally', () => {
    it('is still behind on the object it lacks', () => {
      const partly: MemberSeen = { cluster: 'cluster2', reachable: true, isLeader: false, token: undefined, copies: [], local: [GC] };
      const readiness = assessPromoteReadiness([partly, follower('cluster3', [copy(GC, 1, '10', 'a'), copy(GDP, 1, '11', 'b')])]);
      expect(behindOf(readiness)).toEqual([`cluster2 ${GDP} missing`]);
    });
  });
});
