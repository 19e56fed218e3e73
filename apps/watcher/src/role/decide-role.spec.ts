import {
  EMPTY_CLUSTER_CONTEXT_MESSAGE,
  EMPTY_VERSION_MESSAGE,
  NAMESPACE_NOT_AVI_SYSTEM_MESSAGE,
  NO_AMKOCLUSTER_MESSAGE,
  ONLY_ONE_AMKOCLUSTER_MESSAGE,
} from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { decideRole, Role } from './decide-role.ts';

const amkoCluster = (namespace: string, spec: Record<string, unknown>, name = 'amkocluster-federation') => ({
  apiVersion: 'amko.vmware.com/v1alpha1',
  kind: 'AMKOCluster',
  metadata: { name, namespace, generation: 3 },
  spec,
});
const leaderSpec = { isLeader: true, clusterContext: 'cluster1', version: '1.12.1', clusters: ['cluster1', 'cluster2'] };

describe('decideRole', () => {
  describe('when there is no AMKOCluster', () => {
    it('does nothing', () => {
      expect(decideRole([], 'avi-system')).toEqual({ role: Role.None, reason: NO_AMKOCLUSTER_MESSAGE });
    });
  });

  describe('when there are two AMKOClusters in the cluster', () => {
    it('is too-many and reports on the one in our namespace', () => {
      const decision = decideRole([amkoCluster('avi-system', leaderSpec), amkoCluster('default', leaderSpec, 'other')], 'avi-system');
      expect(decision).toEqual({ role: Role.TooMany, reason: ONLY_ONE_AMKOCLUSTER_MESSAGE, targets: [{ namespace: 'avi-system', name: 'amkocluster-federation' }] });
    });
  });

  describe('when the AMKOCluster is not a leader', () => {
    it('is a follower, even when its fields are invalid (AMKO checks the leader flag first)', () => {
      expect(decideRole([amkoCluster('default', { isLeader: false, clusters: ['a'] })], 'avi-system')).toEqual({
        role: Role.Follower,
        target: { namespace: 'default', name: 'amkocluster-federation' },
        clusterContext: '',
        clusters: ['a'],
      });
    });
  });

  describe('when the leader AMKOCluster fails a sanity check', () => {
    it.each([
      ['it is outside avi-system', amkoCluster('default', leaderSpec), NAMESPACE_NOT_AVI_SYSTEM_MESSAGE, 'default'],
      ['clusterContext is empty', amkoCluster('avi-system', { ...leaderSpec, clusterContext: '' }), EMPTY_CLUSTER_CONTEXT_MESSAGE, 'avi-system'],
      ['version is empty', amkoCluster('avi-system', { ...leaderSpec, version: '' }), EMPTY_VERSION_MESSAGE, 'avi-system'],
    ])('is invalid when %s, and the status goes to that object', (_what, object, reason, namespace) => {
      const decision = decideRole([object], 'avi-system');
      expect(decision).toMatchObject({ role: Role.Invalid, reason, target: { namespace, name: 'amkocluster-federation' } });
    });

    it('is invalid with a field path when the object cannot be parsed', () => {
      const decision = decideRole([amkoCluster('avi-system', { ...leaderSpec, isLeader: 'yes' })], 'avi-system');
      expect(decision).toMatchObject({ role: Role.Invalid, target: { namespace: 'avi-system', name: 'amkocluster-federation' } });
      expect(decision.role === Role.Invalid && decision.reason).toContain('spec.isLeader');
    });
  });

  describe('when the AMKOCluster is a valid leader', () => {
    it('is the leader with its spec and generation', () => {
      expect(decideRole([amkoCluster('avi-system', leaderSpec)], 'avi-system')).toEqual({
        role: Role.Leader,
        target: { namespace: 'avi-system', name: 'amkocluster-federation' },
        spec: leaderSpec,
        generation: 3,
      });
    });
  });
});
