import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FEDERATED_KIND_SCHEMAS,
  formatIssuePath,
  parseAMKOCluster,
  parseFederatedObject,
  parseKubeObject,
  parseWith,
  type FederatedKind,
} from '../index.ts';
import { amkoCluster, leaderGC, leaderSpec } from '../../test/fixtures.ts';

const gdp = {
  apiVersion: 'amko.vmware.com/v1alpha2',
  kind: 'GlobalDeploymentPolicy',
  metadata: { name: 'global-gdp', namespace: 'avi-system' },
  spec: {
    matchRules: { appSelector: { label: { app: 'gslb' } }, namespaceSelector: { label: { ns: 'gslb' } } },
    matchClusters: [{ cluster: 'cluster1', syncVipOnly: false }],
    trafficSplit: [{ cluster: 'cluster1', weight: 8, priority: 10 }],
    ttl: 30,
    poolAlgorithmSettings: { lbAlgorithm: 'GSLB_ALGORITHM_GEO', geoFallback: { lbAlgorithm: 'GSLB_ALGORITHM_ROUND_ROBIN' } },
    downResponse: { type: 'GSLB_SERVICE_DOWN_RESPONSE_FALLBACK_IP', fallbackIP: '10.0.0.1' },
  },
};
const ghr = {
  apiVersion: 'amko.vmware.com/v1alpha1',
  kind: 'GSLBHostRule',
  metadata: { name: 'ghr-1', namespace: 'avi-system' },
  spec: { fqdn: 'app.example.com', ttl: 10, publicIP: [{ cluster: 'cluster1', ip: '1.1.1.1' }], sitePersistence: { enabled: true } },
};
const gc = leaderGC();

describe('federated kind schemas', () => {
  describe('when given objects valid under the CRDs', () => {
    const cases: { given: string; kind: FederatedKind; input: unknown }[] = [
      { given: 'a helm-style GSLBConfig', kind: 'GSLBConfig', input: gc },
      { given: 'a full GlobalDeploymentPolicy', kind: 'GlobalDeploymentPolicy', input: gdp },
      { given: 'a GSLBHostRule', kind: 'GSLBHostRule', input: ghr },
    ];
    it.each(cases)('accepts $given and returns it unchanged', ({ kind, input }) => {
      const result = parseFederatedObject(kind, input);
      expect(result).toEqual({ ok: true, value: input });
    });
  });

  describe('when a newer AMKO adds fields', () => {
    it('keeps unknown fields in spec, nested spec objects, metadata and at the top level', () => {
      const input = {
        ...gdp,
        futureTopLevel: { a: 1 },
        metadata: { ...gdp.metadata, futureMeta: 'kept' },
        spec: { ...gdp.spec, futureField: [1, 2], poolAlgorithmSettings: { ...gdp.spec.poolAlgorithmSettings, futureNested: true } },
      };
      const result = parseFederatedObject('GlobalDeploymentPolicy', input);
      expect(result.ok && result.value).toEqual(input);
    });

    it('accepts enum values and bounds the installed CRD may allow but this code does not know', () => {
      const input = { ...gdp, spec: { ...gdp.spec, ttl: 999999, poolAlgorithmSettings: { lbAlgorithm: 'GSLB_ALGORITHM_FUTURE' } } };
      expect(parseFederatedObject('GlobalDeploymentPolicy', input).ok).toBe(true);
    });
  });

  describe('when the object does not match its CRD', () => {
    const cases: { given: string; kind: FederatedKind; input: unknown; then: string }[] = [
      { given: 'a GSLBConfig without spec', kind: 'GSLBConfig', input: { metadata: { name: 'gc' } }, then: 'invalid GSLBConfig: spec: required object, missing' },
      {
        given: 'a string refreshInterval',
        kind: 'GSLBConfig',
        input: { ...gc, spec: { refreshInterval: '30' } },
        then: 'invalid GSLBConfig: spec.refreshInterval: expected number, received string',
      },
      {
        given: 'a GDP downResponse without its required type',
        kind: 'GlobalDeploymentPolicy',
        input: { ...gdp, spec: { downResponse: {} } },
        then: 'invalid GlobalDeploymentPolicy: spec.downResponse.type: required string, missing',
      },
      {
        given: 'a GSLBHostRule publicIP entry without ip',
        kind: 'GSLBHostRule',
        input: { ...ghr, spec: { publicIP: [{ cluster: 'c1' }] } },
        then: 'invalid GSLBHostRule: spec.publicIP[0].ip: required string, missing',
      },
      {
        given: 'a non-string annotation value',
        kind: 'GSLBConfig',
        input: { ...gc, metadata: { name: 'gc', annotations: { 'meta.helm.sh/x': 1 } } },
        then: 'invalid GSLBConfig: metadata.annotations["meta.helm.sh/x"]: expected string, received number',
      },
      { given: 'no metadata.name', kind: 'GSLBHostRule', input: { ...ghr, metadata: {} }, then: 'invalid GSLBHostRule: metadata.name: required string, missing' },
      { given: 'null', kind: 'GSLBConfig', input: null, then: 'invalid GSLBConfig: (root): expected object, received null' },
    ];
    it.each(cases)('rejects $given naming the field path', ({ kind, input, then }) => {
      const result = parseFederatedObject(kind, input);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.message).toBe(then);
    });

    it('never puts the offending value in the message', () => {
      const result = parseFederatedObject('GSLBConfig', { ...gc, spec: { logLevel: { token: 'SECRET-VALUE' }, refreshInterval: 'SECRET-2' } });
      expect(!result.ok && result.message).not.toMatch(/SECRET/);
    });
  });
});

describe('parseKubeObject', () => {
  describe('when metadata carries nulls as written by kubectl -o yaml', () => {
    it('reads null optional metadata as absent', () => {
      const result = parseKubeObject({ metadata: { name: 'x', creationTimestamp: null, labels: null } });
      expect(result.ok && result.value.metadata.creationTimestamp).toBeUndefined();
      expect(result.ok && result.value.metadata.labels).toBeUndefined();
    });
  });

  describe('when given every metadata field the system reads', () => {
    it('types them and keeps unknown top-level members such as status', () => {
      const result = parseKubeObject(gc);
      expect(result.ok && result.value.metadata.generation).toBe(3);
      expect(result.ok && result.value['status']).toEqual({ state: 'success: gslb config accepted' });
    });
  });
});

describe('parseAMKOCluster', () => {
  describe('when given the helm-rendered object with status conditions', () => {
    it('parses spec and status', () => {
      const input = { ...amkoCluster(leaderSpec), status: { conditions: [{ type: 't', status: 's' }] } };
      const result = parseAMKOCluster(input);
      expect(result.ok && result.value.spec).toEqual(leaderSpec);
      expect(result.ok && result.value.status?.conditions).toEqual([{ type: 't', status: 's' }]);
    });
  });
  describe('when isLeader is not a boolean', () => {
    it('names spec.isLeader', () => {
      const result = parseAMKOCluster(amkoCluster({ isLeader: 'yes' }));
      expect(!result.ok && result.message).toBe('invalid AMKOCluster: spec.isLeader: expected boolean, received string');
    });
  });
});

describe('formatIssuePath', () => {
  describe('when given paths with indices and non-identifier keys', () => {
    const cases = [
      { given: [], then: '(root)' },
      { given: ['spec', 'clusters', 2], then: 'spec.clusters[2]' },
      { given: ['metadata', 'annotations', 'a/b'], then: 'metadata.annotations["a/b"]' },
      { given: [0, 'name'], then: '[0].name' },
    ];
    it.each(cases)('renders $given as $then', ({ given, then }) => {
      expect(formatIssuePath(given)).toBe(then);
    });
  });
});

describe('parseWith', () => {
  describe('when given arbitrary input', () => {
    it('never throws, for every federated kind schema', () => {
      fc.assert(
        fc.property(fc.anything(), fc.constantFrom(...Object.values(FEDERATED_KIND_SCHEMAS)), (input, schema) => {
          const result = parseWith(schema, input, 'thing');
          expect(typeof result.ok).toBe('boolean');
        }),
      );
    });
  });
  describe('when more than five issues are found', () => {
    it('lists five and counts the rest', () => {
      const result = parseFederatedObject('GSLBHostRule', {
        metadata: { name: 1, namespace: 1, uid: 1, resourceVersion: 1, generation: 'x', labels: 1 },
        spec: 1,
      });
      expect(!result.ok && result.message).toMatch(/; and 2 more$/);
      expect(!result.ok && result.issues).toHaveLength(7);
    });
  });
});
