import {
  ConditionStatus,
  ConditionType,
  GSLB_CONFIG_MISSING_MESSAGE,
  initMembers,
  MemberInitOutcome,
  MembersOutcome,
  NOT_A_LEADER_REASON,
  ONLY_ONE_AMKOCLUSTER_MESSAGE,
  StepOutcome,
} from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { summariseMembers } from '../members/members-outcome.ts';
import { Role, type RoleDecision } from '../role/decide-role.ts';
import { statusPlan } from './status-plan.ts';

const target = { namespace: 'avi-system', name: 'amkocluster-federation' };
const leader: RoleDecision = {
  role: Role.Leader,
  target,
  spec: { isLeader: true, clusterContext: 'cluster1', version: '1.0.0', clusters: ['cluster1', 'cluster2'] },
  generation: 1,
};
const initialised = { outcome: MemberInitOutcome.Initialised, members: [], missing: [] } as const;

describe('statusPlan', () => {
  describe('when this cluster is a follower', () => {
    it('writes AMKO\'s not-a-leader condition', () => {
      expect(statusPlan({ role: Role.Follower, target, clusterContext: 'c', clusters: [] }, undefined, undefined)).toEqual({
        targets: [target],
        conditions: [{ type: ConditionType.AMKOClusterValidation, status: ConditionStatus.WontFederate, reason: NOT_A_LEADER_REASON }],
      });
    });
  });

  describe('when there are two AMKOClusters', () => {
    it('marks ours invalid with AMKO\'s message', () => {
      expect(statusPlan({ role: Role.TooMany, reason: ONLY_ONE_AMKOCLUSTER_MESSAGE, targets: [target] }, undefined, undefined)?.conditions).toEqual([
        { type: ConditionType.AMKOClusterValidation, status: ConditionStatus.InvalidAMKOCluster, reason: ONLY_ONE_AMKOCLUSTER_MESSAGE },
      ]);
    });
  });

  describe('when there is no AMKOCluster, or the leader was not checked yet', () => {
    it('writes nothing', () => {
      expect(statusPlan({ role: Role.None, reason: 'x' }, undefined, undefined)).toBeUndefined();
      expect(statusPlan(leader, undefined, undefined)).toBeUndefined();
    });
  });

  describe('when member initialisation failed', () => {
    it('stops after the initialisation condition', () => {
      const report = summariseMembers(['cluster2'], { outcome: MemberInitOutcome.Failed, reason: GSLB_CONFIG_MISSING_MESSAGE, members: [], missing: [] }, [], undefined);
      expect(statusPlan(leader, report, undefined)?.conditions).toEqual([
        { type: ConditionType.AMKOClusterValidation, status: ConditionStatus.ValidAMKOCluster },
        { type: ConditionType.MemberInitialisation, status: ConditionStatus.MemberClientsInvalid, reason: GSLB_CONFIG_MISSING_MESSAGE },
      ]);
    });
  });

  describe('when spec.clusters names no member', () => {
    it.each([
      ['is missing', undefined],
      ['is empty', []],
      ['holds only the current cluster', ['cluster1']],
    ])('says that nothing is federated when it %s', (_what, clusters) => {
      const spec = { clusterContext: 'cluster1', clusters };
      const report = summariseMembers([], initMembers(spec, undefined, { kind: 'env' }), [], undefined);
      expect(report).toMatchObject({ valid: [], members: [] });
      expect(statusPlan({ ...leader, spec: { ...leader.spec, clusters: clusters ?? [] } }, report, undefined)?.conditions).toEqual([
        { type: ConditionType.AMKOClusterValidation, status: ConditionStatus.ValidAMKOCluster },
        {
          type: ConditionType.MemberInitialisation,
          status: ConditionStatus.MemberClientsInvalid,
          reason: "error in initialising member cluster contexts: no member clusters in spec.clusters besides the current cluster cluster1, nothing to federate; add the follower cluster contexts to the AMKOCluster's spec.clusters",
        },
      ]);
    });
  });

  describe('when federating', () => {
    it('adds the federation conditions of the federation steps', () => {
      const report = summariseMembers(['cluster2'], initialised, [], { outcome: MembersOutcome.Validated, valid: ['cluster2'], skipped: [] });
      const federation = {
        steps: () => ({
          GSLBConfig: { outcome: StepOutcome.Succeeded },
          GlobalDeploymentPolicy: { outcome: StepOutcome.PartlyFailed, failures: [{ cluster: 'cluster2', message: 'm' }] },
        }),
      } as const;
      expect(statusPlan(leader, report, federation)?.conditions.slice(1)).toEqual([
        { type: ConditionType.MemberInitialisation, status: ConditionStatus.AllClientsFetched },
        { type: ConditionType.MemberValidation, status: ConditionStatus.ValidatedAllMembers },
        { type: ConditionType.GSLBConfigFederation, status: ConditionStatus.FederatedToAll },
        { type: ConditionType.GDPFederation, status: ConditionStatus.FederationPartlyFailed, reason: 'cluster2: m' },
      ]);
    });
  });
});
