import { AMKO_UUID_ANNOTATION } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { objectKeyOf, toLeaderObject } from './leader-object.ts';

/** The type and the metadata fields the copy rule keeps as they are (the watched object's and the copy's). */
const TYPE = { apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBConfig' } as const;
const KEPT_METADATA = { name: 'gc-1', namespace: 'avi-system', uid: 'u-1', resourceVersion: '42', generation: 2 } as const;

const gc = (overrides: { spec?: unknown; annotations?: Record<string, string>; labels?: Record<string, string>; status?: unknown } = {}) => ({
  ...TYPE,
  metadata: {
    ...KEPT_METADATA,
    labels: overrides.labels ?? { app: 'amko' },
    annotations: overrides.annotations ?? {
      [AMKO_UUID_ANNOTATION]: '3e328a5c-a717-11ed-a422-0a580a80025b',
      'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}',
      'meta.helm.sh/release-name': 'amko',
    },
    managedFields: [{ manager: 'kubectl' }],
  },
  spec: overrides.spec ?? { gslbLeader: { controllerIP: '10.0.0.1' }, refreshInterval: 60 },
  status: overrides.status ?? { state: 'success' },
});

describe('toLeaderObject', () => {
  describe('when an object is watched', () => {
    it('keeps only what the copy rule reads', () => {
      expect(toLeaderObject('GSLBConfig', gc())).toEqual({
        key: 'GSLBConfig/avi-system/gc-1',
        kind: 'GSLBConfig',
        resourceVersion: '42',
        generation: 2,
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        object: {
          ...TYPE,
          metadata: { ...KEPT_METADATA, annotations: { [AMKO_UUID_ANNOTATION]: '3e328a5c-a717-11ed-a422-0a580a80025b' } },
          spec: { gslbLeader: { controllerIP: '10.0.0.1' }, refreshInterval: 60 },
        },
        managers: expect.any(Array),
      });
    });

    it('names the field managers of the newest change, for the history', () => {
      const managedFields = [
        { manager: 'helm', operation: 'Update', time: '2026-12-01T00:00:00Z' },
        { manager: 'kubectl-edit', operation: 'Update', time: '2026-12-02T00:00:00Z' },
      ];
      const raw = gc() as { metadata: Record<string, unknown> };
      expect(toLeaderObject('GSLBConfig', { ...raw, metadata: { ...raw.metadata, managedFields } })?.managers).toEqual(['kubectl-edit']);
    });
  });

  describe('when only status, labels or other annotations change', () => {
    it('keeps the same content hash', () => {
      const before = toLeaderObject('GSLBConfig', gc())?.contentHash;
      const after = toLeaderObject('GSLBConfig', gc({ status: { state: 'error' }, labels: { x: 'y' }, annotations: { [AMKO_UUID_ANNOTATION]: '3e328a5c-a717-11ed-a422-0a580a80025b', other: '1' } }))?.contentHash;
      expect(after).toBe(before);
    });
  });

  describe('when spec or the amko-uuid annotation change', () => {
    it('changes the content hash', () => {
      const before = toLeaderObject('GSLBConfig', gc())?.contentHash;
      expect(toLeaderObject('GSLBConfig', gc({ spec: { refreshInterval: 61 } }))?.contentHash).not.toBe(before);
      expect(toLeaderObject('GSLBConfig', gc({ annotations: { [AMKO_UUID_ANNOTATION]: 'other' } }))?.contentHash).not.toBe(before);
    });
  });

  describe('when the object has no name', () => {
    it('is ignored', () => {
      expect(toLeaderObject('GSLBConfig', { metadata: {} })).toBeUndefined();
      expect(objectKeyOf('GSLBConfig', { metadata: { namespace: 'avi-system' } })).toBeUndefined();
    });
  });
});
