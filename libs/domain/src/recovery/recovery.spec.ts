import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../schemas/kube-object.ts';
import { backupFileName, toBackupObject } from './backup-object.ts';
import { dropMembers } from './drop-members.ts';
import { decidePromotion } from './promotion.ts';

const liveGdp: KubeObject = {
  apiVersion: 'amko.vmware.com/v1alpha2',
  kind: 'GlobalDeploymentPolicy',
  metadata: {
    name: 'global-gdp', namespace: 'avi-system', uid: 'u-1', resourceVersion: '42', generation: 3,
    creationTimestamp: '2026-11-01T00:00:00Z', managedFields: [{ manager: 'kubectl' }], finalizers: ['x/y'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u-0' }],
    labels: { team: 'gslb' },
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}',
      'federation.amko-fed.io/source-cluster': 'cluster1',
      'amko.vmware.com/amko-uuid': '3e328a5c-a717-11ed-a422-0a580a80025b',
      'meta.helm.sh/release-name': 'amko',
    },
  },
  spec: {
    matchRules: { appSelector: { label: { app: 'gslb' } } },
    matchClusters: [{ cluster: 'cluster1' }, { cluster: 'cluster2' }, { cluster: 'cluster3' }],
    trafficSplit: [{ cluster: 'cluster1', weight: 5 }, { cluster: 'cluster2', weight: 10 }],
    ttl: 30,
  },
  status: { errorStatus: '' },
};

describe('toBackupObject', () => {
  describe('when the object comes from a live cluster', () => {
    const backup = toBackupObject(liveGdp, 'amko.vmware.com/v1alpha2', 'GlobalDeploymentPolicy');

    it('strips server-set fields, status, references to the old cluster and provenance', () => {
      expect(backup.metadata).toEqual({
        name: 'global-gdp', namespace: 'avi-system', labels: { team: 'gslb' },
        annotations: { 'amko.vmware.com/amko-uuid': '3e328a5c-a717-11ed-a422-0a580a80025b', 'meta.helm.sh/release-name': 'amko' },
      });
      expect(backup).not.toHaveProperty('status');
    });

    it('keeps apiVersion, kind and the whole spec', () => {
      expect(backup.apiVersion).toBe('amko.vmware.com/v1alpha2');
      expect(backup.kind).toBe('GlobalDeploymentPolicy');
      expect(backup.spec).toEqual(liveGdp.spec);
    });

    it('does not modify its input', () => {
      expect(liveGdp.metadata.uid).toBe('u-1');
    });
  });

  it('names files by kind, namespace and name', () => {
    expect(backupFileName('GSLBConfig', 'avi-system', 'gc-1')).toBe('gslbconfig.avi-system.gc-1.yaml');
  });
});

describe('dropMembers', () => {
  const gdp = toBackupObject(liveGdp, 'amko.vmware.com/v1alpha2', 'GlobalDeploymentPolicy');
  const gc = toBackupObject(
    { metadata: { name: 'gc-1', namespace: 'avi-system' }, spec: { gslbLeader: { controllerIP: '10.0.0.1' }, memberClusters: [{ clusterContext: 'cluster1' }, { clusterContext: 'cluster2' }] } },
    'amko.vmware.com/v1alpha1', 'GSLBConfig',
  );

  it.each([
    ['GDP matchClusters and trafficSplit', gdp, ['cluster1'], { matchClusters: [{ cluster: 'cluster2' }, { cluster: 'cluster3' }], trafficSplit: [{ cluster: 'cluster2', weight: 10 }] }, ['spec.matchClusters: cluster1', 'spec.trafficSplit: cluster1']],
    ['GSLBConfig memberClusters', gc, ['cluster1'], { memberClusters: [{ clusterContext: 'cluster2' }] }, ['spec.memberClusters: cluster1']],
    ['nothing when no member matches', gc, ['cluster9'], { memberClusters: [{ clusterContext: 'cluster1' }, { clusterContext: 'cluster2' }] }, []],
  ])('removes %s', (_name, object, members, expectedSpec, expectedRemoved) => {
    const result = dropMembers(object, members);
    expect(result.object.spec).toMatchObject(expectedSpec);
    expect(result.removed).toEqual(expectedRemoved);
  });

  it('leaves the rest of the spec as it was', () => {
    expect(dropMembers(gdp, ['cluster1']).object.spec).toMatchObject({ ttl: 30, matchRules: { appSelector: { label: { app: 'gslb' } } } });
  });
});

describe('decidePromotion', () => {
  describe('when no other reachable member is leader', () => {
    it('allows it and warns about unreachable members', () => {
      const decision = decidePromotion('cluster2', [
        { cluster: 'cluster1', reachable: false, error: 'connection refused' },
        { cluster: 'cluster3', reachable: true, isLeader: false },
      ], false);
      expect(decision.allowed).toBe(true);
      expect(decision.warnings).toEqual(['cluster cluster1 is unreachable (connection refused); demote it with "amko-fed demote --context cluster1" when it comes back']);
    });
  });

  describe('when another reachable member is still leader', () => {
    const others = [{ cluster: 'cluster1', reachable: true as const, isLeader: true }];
    it('refuses and says how to fix it', () => {
      const decision = decidePromotion('cluster2', others, false);
      expect(decision).toMatchObject({ allowed: false, reason: 'cluster cluster1 is reachable and still the leader (isLeader: true); run "amko-fed demote --context cluster1" first, or pass --force' });
    });
    it('allows it with --force and warns', () => {
      const decision = decidePromotion('cluster2', others, true);
      expect(decision.allowed).toBe(true);
      expect(decision.warnings[0]).toMatch(/^forced: cluster1 still says isLeader: true/);
    });
  });
});
