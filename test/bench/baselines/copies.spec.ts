import { describe, expect, it } from 'vitest';
import { copyForCreate, gslbConfigsPath, type KubeObject } from './kube-http.ts';
import { stripServerFields } from './kubectl-loop.ts';

const leaderObject = (): KubeObject => ({
  apiVersion: 'amko.vmware.com/v1alpha1',
  kind: 'GSLBConfig',
  metadata: {
    name: 'gc-1',
    namespace: 'avi-system',
    resourceVersion: '42',
    uid: 'u-1',
    creationTimestamp: '2026-12-06T00:00:00Z',
    generation: 3,
    managedFields: [{ manager: 'kubectl' }],
    labels: { app: 'amko' },
    annotations: { 'amko.vmware.com/amko-uuid': 'x', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  spec: { refreshInterval: 7 },
  status: { state: 'accepted' },
});

describe('copyForCreate (AMKO-style and floor)', () => {
  describe('when the leader object carries server-set fields', () => {
    it('clears them and keeps the rest of the object, status included (as AMKO does)', () => {
      expect(copyForCreate(leaderObject())).toEqual({
        apiVersion: 'amko.vmware.com/v1alpha1',
        kind: 'GSLBConfig',
        metadata: { name: 'gc-1', namespace: 'avi-system', labels: { app: 'amko' }, annotations: { 'amko.vmware.com/amko-uuid': 'x', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
        spec: { refreshInterval: 7 },
        status: { state: 'accepted' },
      });
    });
  });
});

describe('stripServerFields (the kubectl loop\'s jq step)', () => {
  describe('when the object has kubectl\'s last-applied annotation among others', () => {
    it('drops server-set metadata, that annotation and the status', () => {
      expect(stripServerFields(leaderObject() as unknown as Record<string, unknown>)).toEqual({
        apiVersion: 'amko.vmware.com/v1alpha1',
        kind: 'GSLBConfig',
        metadata: { name: 'gc-1', namespace: 'avi-system', labels: { app: 'amko' }, annotations: { 'amko.vmware.com/amko-uuid': 'x' } },
        spec: { refreshInterval: 7 },
      });
    });
  });

  describe('when the last-applied annotation is the only one', () => {
    it('drops the annotations entirely', () => {
      const object = { metadata: { name: 'a', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }, spec: {} };
      expect(stripServerFields(object)).toEqual({ metadata: { name: 'a' }, spec: {} });
    });
  });
});

describe('gslbConfigsPath', () => {
  it('names the collection, or one object in it', () => {
    expect(gslbConfigsPath('bench-floor')).toBe('/apis/amko.vmware.com/v1alpha1/namespaces/bench-floor/gslbconfigs');
    expect(gslbConfigsPath('bench-floor', 'lat')).toBe('/apis/amko.vmware.com/v1alpha1/namespaces/bench-floor/gslbconfigs/lat');
  });
});
