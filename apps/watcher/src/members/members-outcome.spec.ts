import {
  MemberInitOutcome,
  memberIsAlsoLeaderMessage,
  MembersOutcome,
  NO_VALID_CLUSTER_CONTEXTS_MESSAGE,
  NO_VALID_CLUSTERS_MESSAGE,
  StepOutcome,
  type Member,
  type MemberCluster,
} from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import {
  leaderRegistryMembers,
  MembersStage,
  REMOVED_MEMBER_REASON,
  sameMembers,
  stoppedRegistryMembers,
  summariseMembers,
  validityChanges,
} from './members-outcome.ts';

const member = (name: string): MemberCluster => ({ name, contextName: name, clusterName: name, server: `https://${name}`, userName: name, namespace: undefined });
const initialised = { outcome: MemberInitOutcome.Initialised, members: [member('cluster2'), member('cluster3')], missing: [] } as const;
const names = ['cluster2', 'cluster3'];

describe('summariseMembers', () => {
  describe('when initialisation failed', () => {
    it('stops at initialisation and marks every member invalid with the reason', () => {
      const report = summariseMembers(names, { outcome: MemberInitOutcome.Failed, reason: 'bad kubeconfig', members: [], missing: [] }, [], undefined);
      expect(report).toMatchObject({ stage: MembersStage.Initialisation, memberInit: { outcome: StepOutcome.Failed, reason: 'bad kubeconfig' }, valid: [] });
      expect(report.invalid).toEqual([{ cluster: 'cluster2', message: 'bad kubeconfig' }, { cluster: 'cluster3', message: 'bad kubeconfig' }]);
    });
  });

  describe('when no member client could be built', () => {
    it('stops at initialisation with AMKO\'s "no valid cluster contexts found"', () => {
      const failures = [{ cluster: 'cluster2', message: 'x' }, { cluster: 'cluster3', message: 'y' }];
      const report = summariseMembers(names, initialised, failures, undefined);
      expect(report.stage).toBe(MembersStage.Initialisation);
      expect(report.memberInit.outcome).toBe(StepOutcome.PartlyFailed);
      expect(report.stopReason).toBe(NO_VALID_CLUSTER_CONTEXTS_MESSAGE);
    });
  });

  describe('when another member is a leader', () => {
    it('stops everything with the reason naming that cluster', () => {
      const reason = memberIsAlsoLeaderMessage('cluster3');
      const report = summariseMembers(names, initialised, [], { outcome: MembersOutcome.StopAll, cluster: 'cluster3', reason });
      expect(report).toMatchObject({ stage: MembersStage.Validation, memberValidation: { outcome: StepOutcome.Failed, reason }, valid: [] });
      expect(report.invalid.map((f) => f.message)).toEqual([reason, reason]);
    });
  });

  describe('when no member is valid', () => {
    it('stops at validation', () => {
      const report = summariseMembers(names, initialised, [], { outcome: MembersOutcome.Validated, valid: [], skipped: [{ cluster: 'cluster2', reason: 'r2' }, { cluster: 'cluster3', reason: 'r3' }] });
      expect(report).toMatchObject({ stage: MembersStage.Validation, stopReason: NO_VALID_CLUSTERS_MESSAGE });
      expect(report.memberValidation?.outcome).toBe(StepOutcome.PartlyFailed);
    });
  });

  describe('when some members are valid', () => {
    it('federates to them and keeps the others\' reasons, client failures included', () => {
      const report = summariseMembers(['cluster2', 'cluster3', 'cluster4'], initialised, [{ cluster: 'cluster4', message: 'no client' }], {
        outcome: MembersOutcome.Validated,
        valid: ['cluster2'],
        skipped: [{ cluster: 'cluster3', reason: 'version mismatch' }],
      });
      expect(report).toMatchObject({ stage: MembersStage.Federation, valid: ['cluster2'], stopReason: undefined });
      expect(report.invalid).toEqual([{ cluster: 'cluster4', message: 'no client' }, { cluster: 'cluster3', message: 'version mismatch' }]);
    });
  });
});

describe('registry members', () => {
  const report = summariseMembers(names, initialised, [], { outcome: MembersOutcome.Validated, valid: ['cluster2'], skipped: [{ cluster: 'cluster3', reason: 'version mismatch' }] });

  describe('when this cluster is the leader', () => {
    it('lists valid and invalid members with reasons, and stops clusters that left the federation', () => {
      expect(leaderRegistryMembers(report, [{ cluster: 'cluster9', state: 'valid' }])).toEqual([
        { cluster: 'cluster2', state: 'valid' },
        { cluster: 'cluster3', state: 'invalid', reason: 'version mismatch' },
        { cluster: 'cluster9', state: 'stop', reason: REMOVED_MEMBER_REASON },
      ]);
    });

    // Given the previous document's entry for a cluster that is no longer a member, when the next
    // document is computed, then:
    it.each([
      { previous: { cluster: 'cluster9', state: 'valid' }, then: [{ cluster: 'cluster9', state: 'stop', reason: REMOVED_MEMBER_REASON }] },
      { previous: { cluster: 'cluster9', state: 'invalid', reason: 'r' }, then: [{ cluster: 'cluster9', state: 'stop', reason: REMOVED_MEMBER_REASON }] },
      { previous: { cluster: 'cluster9', state: 'stop', reason: REMOVED_MEMBER_REASON }, then: [] },
      { previous: { cluster: 'cluster9', state: 'stop', reason: 'AMKO not a leader' }, then: [] },
    ] as const)('publishes a member that left as stop once, then forgets it (previous $previous.state)', ({ previous, then }) => {
      expect(leaderRegistryMembers(report, [previous]).slice(2)).toEqual(then);
    });

    it('keeps a stopped cluster that is a member again as valid or invalid', () => {
      expect(leaderRegistryMembers(report, [{ cluster: 'cluster2', state: 'stop', reason: 'AMKO not a leader' }]).map((m) => m.state)).toEqual(['valid', 'invalid']);
    });

    it('leaves out names that cannot be queue names', () => {
      const odd = summariseMembers(['bad\nname'], initialised, [], { outcome: MembersOutcome.Validated, valid: ['bad\nname'], skipped: [] });
      expect(leaderRegistryMembers(odd, [])).toEqual([]);
    });

    it('keeps any kubeconfig context name, as written', () => {
      const eks = 'arn:aws:eks:us-east-1:123456789012:cluster/site3';
      const named = summariseMembers([eks], initialised, [], { outcome: MembersOutcome.Validated, valid: [eks], skipped: [] });
      expect(leaderRegistryMembers(named, [])).toEqual([{ cluster: eks, state: 'valid' }]);
    });
  });

  describe('when this cluster does not federate', () => {
    it('stops every known member', () => {
      expect(stoppedRegistryMembers(['cluster2'], [{ cluster: 'cluster3', state: 'valid' }], 'AMKO not a leader')).toEqual([
        { cluster: 'cluster2', state: 'stop', reason: 'AMKO not a leader' },
        { cluster: 'cluster3', state: 'stop', reason: 'AMKO not a leader' },
      ]);
    });

    it('keeps the members of its spec as stop but forgets a stopped cluster that is no longer one', () => {
      const previous = [{ cluster: 'cluster2', state: 'stop' as const, reason: 'AMKO not a leader' }, { cluster: 'cluster3', state: 'stop' as const, reason: 'AMKO not a leader' }];
      expect(stoppedRegistryMembers(['cluster2'], previous, 'AMKO not a leader')).toEqual([{ cluster: 'cluster2', state: 'stop', reason: 'AMKO not a leader' }]);
    });
  });

  describe('when the clusters list grows to many and is reverted', () => {
    // Each pass publishes what the rule computes from the document the previous pass published.
    const many = ['cluster2', 'cluster3', ...Array.from({ length: 997 }, (_, i) => `gone-${i}`)];
    const failedInit = { outcome: MemberInitOutcome.Failed, reason: 'context "gone-0" does not exist', members: [], missing: [] } as const;
    const passes = [
      summariseMembers(names, initialised, [], { outcome: MembersOutcome.Validated, valid: names, skipped: [] }),
      summariseMembers(many, failedInit, [], undefined),
      summariseMembers(names, initialised, [], { outcome: MembersOutcome.Validated, valid: names, skipped: [] }),
      summariseMembers(names, initialised, [], { outcome: MembersOutcome.Validated, valid: names, skipped: [] }),
    ];
    const documents = passes.reduce<Member[][]>((published, pass) => [...published, leaderRegistryMembers(pass, published.at(-1) ?? [])], []);

    it('stops every cluster that left in the first document after the revert', () => {
      expect(documents[1]).toHaveLength(999);
      expect(documents[2]?.filter((m) => m.state === 'stop')).toHaveLength(997);
    });

    it('holds only the current members from the next document on', () => {
      expect(documents[3]).toEqual([{ cluster: 'cluster2', state: 'valid' }, { cluster: 'cluster3', state: 'valid' }]);
    });
  });

  it('compares member lists regardless of order', () => {
    expect(sameMembers([{ cluster: 'a', state: 'valid' }, { cluster: 'b', state: 'stop', reason: 'r' }], [{ cluster: 'b', state: 'stop', reason: 'r' }, { cluster: 'a', state: 'valid' }])).toBe(true);
    expect(sameMembers([{ cluster: 'a', state: 'valid' }], [{ cluster: 'a', state: 'invalid' }])).toBe(false);
  });
});

describe('validityChanges', () => {
  describe('when the previous state is unknown', () => {
    it('treats every valid follower as newly valid and every other as newly invalid', () => {
      expect(validityChanges(undefined, new Set(['cluster2']), ['cluster2', 'cluster3'])).toEqual({ becameValid: ['cluster2'], becameInvalid: ['cluster3'] });
    });
  });

  describe('when followers changed', () => {
    it('reports only the changes', () => {
      expect(validityChanges(new Set(['cluster2', 'cluster3']), new Set(['cluster2', 'cluster4']), [])).toEqual({ becameValid: ['cluster4'], becameInvalid: ['cluster3'] });
    });
  });
});
