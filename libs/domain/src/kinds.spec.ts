import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_FEDERATED_KINDS,
  apiVersionOf,
  DEFAULT_FEDERATED_KINDS,
  FEDERATED_KINDS,
  parseObjectKey,
  resolveFederatedKind,
  toObjectKey,
} from './index.ts';

describe('resolveFederatedKind', () => {
  const cases = [
    { given: 'GSLBConfig', then: 'GSLBConfig' },
    { given: 'gc', then: 'GSLBConfig' },
    { given: ' gslbconfigs ', then: 'GSLBConfig' },
    { given: 'GDP', then: 'GlobalDeploymentPolicy' },
    { given: 'globaldeploymentpolicy', then: 'GlobalDeploymentPolicy' },
    { given: 'ghr', then: 'GSLBHostRule' },
    { given: 'gslbhr', then: undefined },
    { given: 'AMKOCluster', then: undefined },
  ];
  it.each(cases)('resolves $given to $then', ({ given, then }) => {
    expect(resolveFederatedKind(given)).toBe(then);
  });
});

describe('kind registry', () => {
  describe('when read', () => {
    it('federates GSLBConfig and GDP by default and GSLBHostRule only on request', () => {
      expect(DEFAULT_FEDERATED_KINDS).toEqual(['GSLBConfig', 'GlobalDeploymentPolicy']);
    });
    it('serves GDP at v1alpha2 and the others at v1alpha1', () => {
      expect(ALL_FEDERATED_KINDS.map((k) => apiVersionOf(FEDERATED_KINDS[k]))).toEqual([
        'amko.vmware.com/v1alpha1',
        'amko.vmware.com/v1alpha2',
        'amko.vmware.com/v1alpha1',
      ]);
    });
  });
});

describe('object keys', () => {
  describe('when round-tripping', () => {
    it('parses back every key it renders', () => {
      const segment = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      fc.assert(
        fc.property(fc.constantFrom(...ALL_FEDERATED_KINDS), segment, segment, (kind, namespace, name) => {
          expect(parseObjectKey(toObjectKey({ kind, namespace, name }))).toEqual({ kind, namespace, name });
        }),
      );
    });
  });
  describe('when given malformed keys', () => {
    const cases = ['GSLBConfig/avi-system', 'Unknown/avi-system/x', 'GSLBConfig//x', 'GSLBConfig/avi-system/', 'GSLBConfig/a/b/c', ''];
    it.each(cases)('rejects %j', (key) => {
      expect(parseObjectKey(key)).toBeUndefined();
    });
  });
});
