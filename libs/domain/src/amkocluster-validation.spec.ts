import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateAMKOCluster, type AMKOClusterValidation } from './index.ts';
import { amkoCluster, FOLLOWER, followerSpec, LEADER, leaderSpec, VERSION } from '../test/fixtures.ts';

interface Case {
  readonly given: string;
  readonly object: unknown;
  readonly all?: readonly unknown[];
  readonly then: AMKOClusterValidation['outcome'];
  readonly reason?: string;
}

const cases: Case[] = [
  { given: 'no AMKOCluster in the cluster', object: undefined, all: [], then: 'no-object', reason: 'No AMKOCluster object available on this cluster, nothing to do' },
  {
    given: 'two AMKOClusters (any namespaces)',
    object: amkoCluster(leaderSpec),
    all: [amkoCluster(leaderSpec), amkoCluster(leaderSpec, { namespace: 'default' })],
    then: 'too-many',
    reason: 'only one AMKOClusterObject allowed per cluster',
  },
  { given: 'a follower', object: amkoCluster(followerSpec), then: 'follower' },
  { given: 'no isLeader (zero value false)', object: amkoCluster({ clusterContext: LEADER, version: VERSION }), then: 'follower' },
  { given: 'no spec at all', object: amkoCluster({}), then: 'follower' },
  { given: 'an invalid follower (leader check comes before sanity)', object: amkoCluster({ isLeader: false }, { namespace: 'default' }), then: 'follower' },
  {
    given: 'a leader outside avi-system',
    object: amkoCluster(leaderSpec, { namespace: 'default' }),
    then: 'invalid',
    reason: "AMKOCluster's namespace is not avi-system",
  },
  {
    given: 'a leader without namespace',
    object: { metadata: { name: 'x' }, spec: leaderSpec },
    then: 'invalid',
    reason: "AMKOCluster's namespace is not avi-system",
  },
  {
    given: 'a leader with empty clusterContext',
    object: amkoCluster({ ...leaderSpec, clusterContext: '' }),
    then: 'invalid',
    reason: "clusterContext field can't be empty in AMKOCluster object",
  },
  {
    given: 'a leader with no clusterContext and no version (first failure wins)',
    object: amkoCluster({ isLeader: true }),
    then: 'invalid',
    reason: "clusterContext field can't be empty in AMKOCluster object",
  },
  {
    given: 'a leader with empty version (AMKO suite: empty version)',
    object: amkoCluster({ ...leaderSpec, version: '' }),
    then: 'invalid',
    reason: "version field can't be empty in AMKOCluster object",
  },
  {
    given: 'a leader outside avi-system with empty version (namespace checked first)',
    object: amkoCluster({ ...leaderSpec, version: '' }, { namespace: 'x' }),
    then: 'invalid',
    reason: "AMKOCluster's namespace is not avi-system",
  },
  {
    given: 'a leader whose clusterContext is not in clusters (AMKO: error; ours: fine)',
    object: amkoCluster({ ...leaderSpec, clusterContext: 'invalid-context' }),
    then: 'leader',
  },
  { given: 'a leader with an empty clusters list', object: amkoCluster({ ...leaderSpec, clusters: [] }), then: 'leader' },
  { given: 'a valid leader', object: amkoCluster(leaderSpec), then: 'leader' },
  {
    given: 'a malformed object (isLeader is a string)',
    object: amkoCluster({ isLeader: 'true' }),
    then: 'invalid',
    reason: 'invalid AMKOCluster: spec.isLeader: expected boolean, received string',
  },
  {
    given: 'a malformed object (clusters is not a list)',
    object: amkoCluster({ ...leaderSpec, clusters: 'cluster2' }),
    then: 'invalid',
    reason: 'invalid AMKOCluster: spec.clusters: expected array, received string',
  },
  { given: 'a string instead of an object', object: 'AMKOCluster', then: 'invalid', reason: 'invalid AMKOCluster: (root): expected object, received string' },
];

describe('validateAMKOCluster', () => {
  describe('when given each AMKO validation scenario', () => {
    it.each(cases)('given $given → $then', ({ object, all, then, reason }) => {
      const result = validateAMKOCluster(object, all ?? [object]);
      expect(result.outcome).toBe(then);
      if (reason !== undefined) expect('reason' in result && result.reason).toBe(reason);
    });
  });

  describe('when the object is a valid leader', () => {
    it('returns the parsed spec with defaults for absent fields', () => {
      const result = validateAMKOCluster(amkoCluster({ isLeader: true, clusterContext: LEADER, version: VERSION }), [{}]);
      expect(result.outcome === 'leader' && result.spec).toEqual({ isLeader: true, clusterContext: LEADER, version: VERSION, clusters: [] });
    });
    it('keeps the clusters list as written (member derivation happens in initMembers)', () => {
      const result = validateAMKOCluster(amkoCluster(leaderSpec), [amkoCluster(leaderSpec)]);
      expect(result.outcome === 'leader' && result.spec.clusters).toEqual([LEADER, FOLLOWER]);
    });
  });

  describe('when the object argument is omitted', () => {
    it("validates the list's only item", () => {
      expect(validateAMKOCluster(undefined, [amkoCluster(followerSpec)]).outcome).toBe('follower');
    });
  });

  describe('when given arbitrary input (property)', () => {
    it('never throws and always returns a known outcome', () => {
      const outcomes = ['no-object', 'too-many', 'follower', 'invalid', 'leader'];
      fc.assert(
        fc.property(fc.anything(), fc.array(fc.anything(), { maxLength: 3 }), (object, all) => {
          expect(outcomes).toContain(validateAMKOCluster(object, all).outcome);
          expect(outcomes).toContain(validateAMKOCluster(object, [object]).outcome);
        }),
      );
    });
    it('never throws on AMKOCluster-shaped objects with arbitrary field values', () => {
      const field = fc.oneof(fc.anything(), fc.string(), fc.boolean(), fc.array(fc.string()));
      fc.assert(
        fc.property(fc.record({ isLeader: field, clusterContext: field, version: field, clusters: field }, { requiredKeys: [] }), field, (spec, ns) => {
          const object = { metadata: { name: 'a', namespace: ns }, spec };
          expect(typeof validateAMKOCluster(object, [object]).outcome).toBe('string');
        }),
      );
    });
    it('never throws when the list is not an array at run time', () => {
      fc.assert(
        fc.property(fc.anything(), fc.anything(), (object, notAList) => {
          expect(typeof validateAMKOCluster(object, notAList as unknown[]).outcome).toBe('string');
        }),
      );
    });
  });
});
