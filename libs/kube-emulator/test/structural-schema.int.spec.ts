/**
 * Conformance: every write of a custom resource goes through its CRD's structural schema
 * (prune → defaults → validate) and `fieldValidation`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSuiteCluster, type NamespacedSuiteCluster } from './support/suite.ts';
import { failure, gdps, gslbConfig, gslbConfigs, mergePatch, uniqueName, type Clients } from './support/clients.ts';

let suite: NamespacedSuiteCluster;
let c: Clients;
let ns: string;
const gc = (): typeof gslbConfigs & { namespace: string } => ({ ...gslbConfigs, namespace: ns });

beforeAll(async () => {
  suite = await startSuiteCluster(process.env, { namespace: true });
  ({ c, ns } = suite);
});

afterAll(async () => {
  await suite?.close();
});

const gdp = (name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'amko.vmware.com/v1alpha2',
  kind: 'GlobalDeploymentPolicy',
  metadata: { name },
  spec,
});

describe('structural schema', () => {
  describe('when a write carries unknown fields', () => {
    it('prunes them and warns by default', async () => {
      const name = uniqueName('gc');
      const answer = await c.co.createNamespacedCustomObjectWithHttpInfo({ ...gc(), body: gslbConfig(name, { foo: 1 }) });
      expect((answer.data as { spec: Record<string, unknown> }).spec).not.toHaveProperty('foo');
      expect(answer.headers['warning']).toContain('unknown field \\"spec.foo\\"');
    });

    it('prunes them silently with fieldValidation=Ignore', async () => {
      const answer = await c.co.createNamespacedCustomObjectWithHttpInfo({ ...gc(), body: { ...gslbConfig(uniqueName('gc'), { foo: 1 }), extra: true }, fieldValidation: 'Ignore' });
      expect(answer.data).not.toHaveProperty('extra');
      expect(answer.headers['warning']).toBeUndefined();
    });

    it('answers 400 strict decoding error with fieldValidation=Strict', async () => {
      const err = await failure(c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(uniqueName('gc'), { foo: 1 }), fieldValidation: 'Strict' }));
      expect(err.code).toBe(400);
      expect(err.status.message).toContain('strict decoding error: unknown field "spec.foo"');
    });

    it('prunes unknown fields in patches too', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const patched = await c.co.patchNamespacedCustomObject({ ...gc(), name, body: { spec: { bogus: 'x', refreshInterval: 5 } } }, mergePatch);
      expect((patched as { spec: Record<string, unknown> }).spec).not.toHaveProperty('bogus');
      expect((patched as { spec: Record<string, unknown> }).spec['refreshInterval']).toBe(5);
    });
  });

  describe('when the schema declares defaults', () => {
    it('fills them on create, inside array items', async () => {
      const created = await c.co.createNamespacedCustomObject({ ...gdps, namespace: ns, body: gdp(uniqueName('gdp'), { trafficSplit: [{ cluster: 'c1' }, { cluster: 'c2', weight: 5 }] }) });
      expect((created as { spec: { trafficSplit: unknown[] } }).spec.trafficSplit).toEqual([
        { cluster: 'c1', weight: 1, priority: 10 },
        { cluster: 'c2', weight: 5, priority: 10 },
      ]);
    });
  });

  describe('when values violate the schema', () => {
    it('answers 422 Invalid with the field, the value and the reason', async () => {
      const err = await failure(c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(uniqueName('gc'), { refreshInterval: 'often' }) }));
      expect(err.code).toBe(422);
      expect(err.status.reason).toBe('Invalid');
      expect(err.status.details).toMatchObject({ group: 'amko.vmware.com', kind: 'GSLBConfig' });
      expect(err.status.details?.causes).toContainEqual(expect.objectContaining({ reason: 'FieldValueTypeInvalid', field: 'spec.refreshInterval' }));
      expect(err.status.message).toContain('spec.refreshInterval: Invalid value: "string": spec.refreshInterval in body must be of type integer: "string"');
    });

    it('reports an enum violation as Unsupported value', async () => {
      const err = await failure(c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(uniqueName('gc'), { logLevel: 'LOUD' }) }));
      expect(err.code).toBe(422);
      expect(err.status.details?.causes).toContainEqual(expect.objectContaining({ reason: 'FieldValueNotSupported', field: 'spec.logLevel' }));
    });

    it('reports every violation in one answer', async () => {
      const err = await failure(
        c.co.createNamespacedCustomObject({ ...gdps, namespace: ns, body: gdp(uniqueName('gdp'), { ttl: 100000, trafficSplit: [{ cluster: 'c', weight: 50 }] }) }),
      );
      expect(err.code).toBe(422);
      const fields = err.status.details?.causes?.map((cause) => cause.field);
      expect(fields).toEqual(expect.arrayContaining(['spec.ttl', 'spec.trafficSplit[0].weight']));
    });

    it('reports a missing required field', async () => {
      const err = await failure(c.co.createNamespacedCustomObject({ ...gdps, namespace: ns, body: { ...gdp(uniqueName('gdp'), {}), spec: undefined } }));
      expect(err.code).toBe(422);
      expect(err.status.details?.causes).toContainEqual(expect.objectContaining({ reason: 'FieldValueRequired', field: 'spec' }));
    });

    it('validates updates as well as creates', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const err = await failure(c.co.patchNamespacedCustomObject({ ...gc(), name, body: { spec: { refreshInterval: true } } }, mergePatch));
      expect(err.code).toBe(422);
    });
  });
});
