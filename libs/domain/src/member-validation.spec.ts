import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateMember, validateMembers, type MemberFacts, type MemberValidation, type MembersValidation } from './index.ts';
import { amkoCluster, FOLLOWER, followerSpec, OTHER_VERSION, VERSION } from '../test/fixtures.ts';

const follower = amkoCluster(followerSpec);
const listed = (...amkoClusters: unknown[]): MemberFacts => ({ observation: 'listed', cluster: FOLLOWER, amkoClusters });

interface Case {
  readonly given: string;
  readonly facts: MemberFacts;
  readonly then: MemberValidation['outcome'];
  readonly reason?: string;
}

const cases: Case[] = [
  { given: 'a follower on the same version', facts: listed(follower), then: 'valid' },
  { given: 'no client for the member', facts: { observation: 'no-client', cluster: FOLLOWER }, then: 'skip', reason: 'cluster client unavailable for cluster cluster2' },
  {
    given: 'the AMKOCluster list failing',
    facts: { observation: 'list-failed', cluster: FOLLOWER, error: 'connection refused' },
    then: 'skip',
    reason: 'error in getting AMKOCluster list for cluster cluster2: connection refused',
  },
  {
    given: 'the member is also a leader (AMKO suite: both leaders)',
    facts: listed(amkoCluster({ ...followerSpec, isLeader: true })),
    then: 'stop-all',
    reason: 'AMKO in cluster cluster2 is also a leader, conflicting state',
  },
  {
    given: 'two AMKOClusters, one of them a leader (leader check first)',
    facts: listed(follower, amkoCluster({ isLeader: true })),
    then: 'stop-all',
    reason: 'AMKO in cluster cluster2 is also a leader, conflicting state',
  },
  {
    given: 'two follower AMKOClusters',
    facts: listed(follower, follower),
    then: 'skip',
    reason: "more than one AMKOCluster objects present in cluster cluster2, can't federate",
  },
  {
    given: 'no AMKOCluster on the member (AMKO suite: missing follower AMKOCluster)',
    facts: listed(),
    then: 'skip',
    reason: "no AMKOCluster object present in cluster cluster2, can't federate",
  },
  {
    given: 'a different version (AMKO suite: version mismatch)',
    facts: listed(amkoCluster({ ...followerSpec, version: OTHER_VERSION })),
    then: 'skip',
    reason: 'version mismatch, current AMKO: 1.4.2, AMKO in cluster cluster2: 1.5.1',
  },
  {
    given: 'a version differing only in a "v" prefix (exact compare)',
    facts: listed(amkoCluster({ ...followerSpec, version: `v${VERSION}` })),
    then: 'skip',
    reason: 'version mismatch, current AMKO: 1.4.2, AMKO in cluster cluster2: v1.4.2',
  },
  {
    given: 'a member AMKOCluster without version',
    facts: listed(amkoCluster({ isLeader: false })),
    then: 'skip',
    reason: 'version mismatch, current AMKO: 1.4.2, AMKO in cluster cluster2: ',
  },
  {
    given: "a member whose own clusterContext/clusters disagree (not checked, as in AMKO)",
    facts: listed(amkoCluster({ version: VERSION, clusterContext: 'elsewhere', clusters: [] })),
    then: 'valid',
  },
  {
    given: 'an AMKOCluster that does not decode (AMKO: the List call fails)',
    facts: listed(amkoCluster({ isLeader: 'true', version: VERSION })),
    then: 'skip',
    reason: 'error in getting AMKOCluster list for cluster cluster2: invalid AMKOCluster: spec.isLeader: expected boolean, received string',
  },
  {
    given: 'malformed facts',
    facts: { observation: 'listed', cluster: FOLLOWER } as unknown as MemberFacts,
    then: 'skip',
    reason: 'invalid member facts: amkoClusters: required array, missing',
  },
];

describe('validateMember', () => {
  describe('when given each AMKO member check', () => {
    it.each(cases)('given $given → $then', ({ facts, then, reason }) => {
      const result = validateMember(facts, VERSION);
      expect(result.outcome).toBe(then);
      expect(result.cluster).toBe(FOLLOWER);
      if (reason !== undefined) expect('reason' in result && result.reason).toBe(reason);
    });
  });

  describe('when given arbitrary input (property)', () => {
    it('never throws on arbitrary facts', () => {
      fc.assert(
        fc.property(fc.anything(), fc.string(), (facts, version) => {
          expect(['valid', 'skip', 'stop-all']).toContain(validateMember(facts as MemberFacts, version).outcome);
        }),
      );
    });
    it('never throws on arbitrary listed AMKOClusters', () => {
      fc.assert(
        fc.property(fc.string(), fc.array(fc.anything(), { maxLength: 3 }), fc.string(), (cluster, amkoClusters, version) => {
          const result = validateMember({ observation: 'listed', cluster, amkoClusters }, version);
          expect(result.cluster).toBe(cluster);
        }),
      );
    });
  });
});

describe('validateMembers', () => {
  const member = (cluster: string, spec: Record<string, unknown>): MemberFacts => ({ observation: 'listed', cluster, amkoClusters: [amkoCluster(spec)] });
  const ok = (cluster: string) => member(cluster, { version: VERSION });

  interface MembersCase {
    readonly given: string;
    readonly list: MemberFacts[];
    readonly then: MembersValidation;
  }
  const membersCases: MembersCase[] = [
    { given: 'all valid', list: [ok('c2'), ok('c3')], then: { outcome: 'validated', valid: ['c2', 'c3'], skipped: [] } },
    {
      given: 'one skipped',
      list: [ok('c2'), member('c3', { version: OTHER_VERSION })],
      then: { outcome: 'validated', valid: ['c2'], skipped: [{ cluster: 'c3', reason: 'version mismatch, current AMKO: 1.4.2, AMKO in cluster c3: 1.5.1' }] },
    },
    {
      given: 'all skipped (no valid clusters left)',
      list: [{ observation: 'no-client', cluster: 'c2' }],
      then: { outcome: 'validated', valid: [], skipped: [{ cluster: 'c2', reason: 'cluster client unavailable for cluster c2' }] },
    },
    {
      given: 'a skip, then another leader, then an unchecked member',
      list: [member('c2', { version: OTHER_VERSION }), member('c3', { isLeader: true }), { observation: 'no-client', cluster: 'c4' }],
      then: { outcome: 'stop-all', cluster: 'c3', reason: 'AMKO in cluster c3 is also a leader, conflicting state' },
    },
    { given: 'no members', list: [], then: { outcome: 'validated', valid: [], skipped: [] } },
  ];
  describe('when aggregating members in order', () => {
    it.each(membersCases)('given $given → $then.outcome', ({ list, then }) => {
      expect(validateMembers(list, VERSION)).toEqual(then);
    });
  });
});
