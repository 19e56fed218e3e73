import { describe, expect, it } from 'vitest';
import {
  AMKO_UUID_ANNOTATION,
  CONTENT_HASH_ANNOTATION,
  FEDERATED_KINDS,
  hashFederatedContent,
  isNeverCopiedKey,
  readProvenance,
  SOURCE_CLUSTER_ANNOTATION,
  SOURCE_RESOURCE_VERSION_ANNOTATION,
  toFederatedCopy,
  toFederatedUpdate,
  type KubeObject,
} from './index.ts';
import { GC_UUID, LEADER, leaderGC } from '../test/fixtures.ts';

const GC = FEDERATED_KINDS.GSLBConfig;
const provenance = { sourceCluster: LEADER, sourceResourceVersion: '1001' };

describe('toFederatedCopy', () => {
  const leader = leaderGC();
  const copy = toFederatedCopy(leader, provenance, GC);

  describe('when the leader object carries helm, kubectl and server metadata', () => {
    it('keeps only apiVersion, kind, name, namespace, the uuid annotation, provenance and spec', () => {
      expect(copy).toEqual({
        apiVersion: 'amko.vmware.com/v1alpha1',
        kind: 'GSLBConfig',
        metadata: {
          name: 'test-gc',
          namespace: 'avi-system',
          annotations: {
            [AMKO_UUID_ANNOTATION]: GC_UUID,
            [SOURCE_CLUSTER_ANNOTATION]: LEADER,
            [SOURCE_RESOURCE_VERSION_ANNOTATION]: '1001',
            [CONTENT_HASH_ANNOTATION]: hashFederatedContent(leader, GC),
          },
        },
        spec: leader.spec,
      });
    });

    const never = ['status', 'labels', 'finalizers', 'ownerReferences', 'managedFields', 'uid', 'resourceVersion', 'generation', 'creationTimestamp'];
    it.each(never)('never copies %s', (field) => {
      expect(JSON.stringify(copy)).not.toContain(`"${field}"`);
    });
  });

  describe('when the leader has no uuid annotation', () => {
    it('writes provenance only', () => {
      const bare = toFederatedCopy(leaderGC({ annotations: {} }), provenance, GC);
      expect(Object.keys(bare.metadata.annotations).sort()).toEqual(
        [CONTENT_HASH_ANNOTATION, SOURCE_CLUSTER_ANNOTATION, SOURCE_RESOURCE_VERSION_ANNOTATION].sort(),
      );
    });
  });

  describe('when the leader object lacks apiVersion and kind (list item)', () => {
    it('takes them from the kind registry', () => {
      const { apiVersion: _a, kind: _k, ...item } = leaderGC();
      const body = toFederatedCopy(item as KubeObject, provenance, FEDERATED_KINDS.GlobalDeploymentPolicy);
      expect([body.apiVersion, body.kind]).toEqual(['amko.vmware.com/v1alpha2', 'GlobalDeploymentPolicy']);
    });
  });

  describe('when the copy is later mutated', () => {
    it('does not share spec objects with the leader', () => {
      const own = leaderGC();
      const mutable = toFederatedCopy(own, provenance, GC);
      (mutable.spec as { refreshInterval: number }).refreshInterval = 1;
      expect((own.spec as { refreshInterval: number }).refreshInterval).toBe(1800);
    });
  });
});

describe('toFederatedUpdate', () => {
  const observed: KubeObject = {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBConfig',
    metadata: {
      name: 'test-gc',
      namespace: 'avi-system',
      uid: 'follower-uid',
      resourceVersion: '77',
      labels: { 'app.kubernetes.io/managed-by': 'Helm', site: 'b' },
      annotations: { [AMKO_UUID_ANNOTATION]: 'stale-uuid', 'meta.helm.sh/release-name': 'amko-b', 'site.example/note': 'keep' },
      finalizers: ['follower.example/guard'],
      managedFields: [{ manager: 'kubectl' }],
    },
    spec: { refreshInterval: 5 },
    status: { state: 'follower status' },
  };
  const leader = leaderGC();
  const body = toFederatedUpdate(observed, leader, provenance, GC);

  describe('when the follower object has its own metadata', () => {
    const cases: { then: string; check: () => void }[] = [
      { then: "replaces spec with the leader's", check: () => expect(body.spec).toEqual(leader.spec) },
      { then: 'keeps the follower resourceVersion (optimistic concurrency)', check: () => expect(body.metadata.resourceVersion).toBe('77') },
      { then: 'keeps the follower labels, helm ones included', check: () => expect(body.metadata.labels).toEqual(observed.metadata.labels) },
      { then: 'keeps the follower finalizers and uid', check: () => expect([body.metadata.finalizers, body.metadata.uid]).toEqual([['follower.example/guard'], 'follower-uid']) },
      { then: 'keeps unrelated follower annotations', check: () => expect(body.metadata.annotations['site.example/note']).toBe('keep') },
      { then: 'keeps the follower helm annotations (they are the follower\'s)', check: () => expect(body.metadata.annotations['meta.helm.sh/release-name']).toBe('amko-b') },
      { then: "sets the copied annotation to the leader's value", check: () => expect(body.metadata.annotations[AMKO_UUID_ANNOTATION]).toBe(GC_UUID) },
      { then: 'never brings leader-only annotations', check: () => expect(body.metadata.annotations['example.com/leader-only']).toBeUndefined() },
      { then: 'removes status', check: () => expect('status' in body).toBe(false) },
      { then: 'drops managedFields', check: () => expect('managedFields' in body.metadata).toBe(false) },
      { then: 'records provenance', check: () => expect(readProvenance(body)).toEqual({ ...provenance, contentHash: hashFederatedContent(leader, GC) }) },
      { then: 'stamps a content hash that matches the body itself', check: () => expect(body.metadata.annotations[CONTENT_HASH_ANNOTATION]).toBe(hashFederatedContent(body, GC)) },
      { then: 'leaves the observed object untouched', check: () => expect(observed.metadata.annotations?.[AMKO_UUID_ANNOTATION]).toBe('stale-uuid') },
    ];
    it.each(cases)('$then', ({ check }) => check());
  });

  describe('when the leader no longer has the copied annotation', () => {
    it('removes it from the follower', () => {
      const updated = toFederatedUpdate(observed, leaderGC({ annotations: {} }), provenance, GC);
      expect(AMKO_UUID_ANNOTATION in updated.metadata.annotations).toBe(false);
    });
  });

  describe('when the follower object has no annotations at all (AMKO nil-map case)', () => {
    it('creates the annotation map instead of failing', () => {
      const { annotations: _a, ...meta } = observed.metadata;
      const updated = toFederatedUpdate({ ...observed, metadata: meta }, leader, provenance, GC);
      expect(updated.metadata.annotations[AMKO_UUID_ANNOTATION]).toBe(GC_UUID);
    });
  });
});

describe('isNeverCopiedKey', () => {
  const cases = [
    { given: 'app.kubernetes.io/managed-by', then: true },
    { given: 'meta.helm.sh/release-name', then: true },
    { given: 'helm.sh/resource-policy', then: true },
    { given: 'kubectl.kubernetes.io/last-applied-configuration', then: true },
    { given: AMKO_UUID_ANNOTATION, then: false },
    { given: 'app.kubernetes.io/name', then: false },
  ];
  it.each(cases)('says $then for $given', ({ given, then }) => {
    expect(isNeverCopiedKey(given)).toBe(then);
  });
});
