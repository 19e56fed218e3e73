import { describe, expect, it } from 'vitest';
import { ConditionStatus, ConditionType, SyncState } from '@amko-fed/domain';
import type { FollowerView, ObjectRow, StatusView } from './status-view.ts';
import { judgeStatus, Verdict } from './status-verdict.ts';

const ok = [
  { type: ConditionType.AMKOClusterValidation, status: ConditionStatus.ValidAMKOCluster },
  { type: ConditionType.MemberInitialisation, status: ConditionStatus.AllClientsFetched },
  { type: ConditionType.MemberValidation, status: ConditionStatus.ValidatedAllMembers },
  { type: ConditionType.GSLBConfigFederation, status: ConditionStatus.FederatedToAll },
  { type: ConditionType.GDPFederation, status: ConditionStatus.FederatedToAll },
];
const someInvalid = ok.map((c) => (c.type === ConditionType.MemberValidation ? { ...c, status: ConditionStatus.SomeMembersInvalid, reason: 'version mismatch' } : c));
const row = (state: ObjectRow['state']): ObjectRow => ({ objectKey: 'GSLBConfig/avi-system/gc-1', state, lastApplied: undefined, reason: state === SyncState.inSync ? undefined : 'why' });
const follower = (membership: FollowerView['membership'], ...states: ObjectRow['state'][]): FollowerView => ({ cluster: `c-${membership}`, membership, membershipReason: undefined, objects: states.map(row) });
const view = (...followers: FollowerView[]): StatusView => ({ leader: 'cluster1', publishedAt: 'now', followers, inSync: false });
const noMembers: StatusView = { leader: undefined, publishedAt: undefined, followers: [], inSync: false };

describe('judgeStatus', () => {
  describe('given the records and the conditions', () => {
    it.each([
      ['all valid followers in sync, all conditions success', view(follower('valid', SyncState.inSync)), ok, undefined, Verdict.inSync, 0],
      ['an invalid follower (unknown state) but the member condition says so', view(follower('valid', SyncState.inSync), follower('invalid', 'unknown')), someInvalid, undefined, Verdict.failed, 4],
      ['an invalid follower alone does not count as pending', view(follower('valid', SyncState.inSync), follower('invalid', 'unknown')), ok, undefined, Verdict.inSync, 0],
      ['an object pending on a valid follower', view(follower('valid', SyncState.inSync, SyncState.pending)), ok, undefined, Verdict.pending, 3],
      ['an object failed on a valid follower', view(follower('valid', SyncState.pending, SyncState.failed)), ok, undefined, Verdict.failed, 4],
      ['no conditions written yet', view(follower('valid', SyncState.inSync)), [], undefined, Verdict.pending, 3],
      ['the AMKOCluster cannot be read', view(follower('valid', SyncState.inSync)), undefined, 'connect ECONNREFUSED', Verdict.failed, 4],
      ['not a leader', view(follower('valid', SyncState.inSync)), [{ type: ConditionType.AMKOClusterValidation, status: ConditionStatus.WontFederate, reason: 'AMKO not a leader' }], undefined, Verdict.failed, 4],
      ['no watcher has published members', noMembers, ok, undefined, Verdict.pending, 3],
    ] as const)('%s → %s (exit %d)', (_case, given, conditions, conditionsError, verdict, exitCode) => {
      const judged = judgeStatus(given, conditions, conditionsError);
      expect({ verdict: judged.verdict, exitCode: judged.exitCode }).toEqual({ verdict, exitCode });
      expect(judged.problems.length === 0).toBe(verdict === Verdict.inSync);
    });
  });

  describe('when something failed and something else is pending', () => {
    it('lists the failures first', () => {
      const judged = judgeStatus(view(follower('valid', SyncState.pending, SyncState.failed)), ok, undefined);
      expect(judged.problems).toEqual(['c-valid GSLBConfig/avi-system/gc-1: failed: why', 'c-valid GSLBConfig/avi-system/gc-1: pending: why']);
    });
  });
});
