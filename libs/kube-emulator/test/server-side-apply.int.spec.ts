/**
 * Conformance: server-side apply (`application/apply-patch+yaml`) at the level
 * `kubectl apply --server-side` and the replicator need.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvidedCluster } from './support/provider.ts';
import { startSuiteCluster, type NamespacedSuiteCluster } from './support/suite.ts';
import { amkoCluster, amkoClusters, applyPatch, failure, gslbConfig, gslbConfigs, mergePatch, metaOf, uniqueName, type Clients } from './support/clients.ts';
import { rawClient } from './support/http.ts';

let suite: NamespacedSuiteCluster;
let cluster: ProvidedCluster;
let c: Clients;
let ns: string;
const gc = (): typeof gslbConfigs & { namespace: string } => ({ ...gslbConfigs, namespace: ns });
const specOf = (o: unknown): Record<string, unknown> => (o as { spec: Record<string, unknown> }).spec;

beforeAll(async () => {
  suite = await startSuiteCluster(process.env, { namespace: true });
  ({ cluster, c, ns } = suite);
});

afterAll(async () => {
  await suite?.close();
});

describe('server-side apply', () => {
  describe('when the object does not exist', () => {
    it('creates it (201) and records an Apply entry for the field manager', async () => {
      const name = uniqueName('gc');
      const answer = await c.co.patchNamespacedCustomObjectWithHttpInfo({ ...gc(), name, body: gslbConfig(name), fieldManager: 'federator' }, applyPatch);
      expect(answer.httpStatusCode).toBe(201);
      const entry = metaOf(answer.data).managedFields?.find((e) => e.manager === 'federator');
      expect(entry?.operation).toBe('Apply');
      expect(entry?.fieldsV1).toHaveProperty(['f:spec', 'f:gslbLeader', 'f:controllerIP']);
    });

    it('accepts a YAML body', async () => {
      const name = uniqueName('gc');
      const yaml = `apiVersion: amko.vmware.com/v1alpha1\nkind: GSLBConfig\nmetadata:\n  name: ${name}\nspec:\n  refreshInterval: 42\n`;
      const res = await rawClient(cluster)(`/apis/amko.vmware.com/v1alpha1/namespaces/${ns}/gslbconfigs/${name}?fieldManager=yaml-user`, {
        method: 'PATCH',
        body: yaml,
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
      });
      expect(res.status).toBe(201);
      expect(specOf(res.json())['refreshInterval']).toBe(42);
    });
  });

  describe('when fieldManager is missing', () => {
    it('answers 400', async () => {
      const name = uniqueName('gc');
      const err = await failure(c.co.patchNamespacedCustomObject({ ...gc(), name, body: gslbConfig(name) }, applyPatch));
      expect(err.code).toBe(400);
    });
  });

  describe('when the same manager applies again', () => {
    it('updates what changed (200) and removes what it no longer applies', async () => {
      const name = uniqueName('gc');
      await c.co.patchNamespacedCustomObject({ ...gc(), name, body: gslbConfig(name, { logLevel: 'INFO' }), fieldManager: 'federator' }, applyPatch);
      const { logLevel: _dropped, ...rest } = specOf(gslbConfig(name, { refreshInterval: 30 }));
      const answer = await c.co.patchNamespacedCustomObjectWithHttpInfo({ ...gc(), name, body: { ...gslbConfig(name), spec: rest }, fieldManager: 'federator' }, applyPatch);
      expect(answer.httpStatusCode).toBe(200);
      expect(specOf(answer.data)['refreshInterval']).toBe(30);
      expect(specOf(answer.data)).not.toHaveProperty('logLevel');
      expect(metaOf(answer.data).generation).toBe(2);
    });

    it('changes nothing when the intent is unchanged', async () => {
      const name = uniqueName('gc');
      const first = await c.co.patchNamespacedCustomObject({ ...gc(), name, body: gslbConfig(name), fieldManager: 'federator' }, applyPatch);
      const again = await c.co.patchNamespacedCustomObject({ ...gc(), name, body: gslbConfig(name), fieldManager: 'federator' }, applyPatch);
      expect(metaOf(again).resourceVersion).toBe(metaOf(first).resourceVersion);
    });
  });

  describe('when another manager owns a field', () => {
    it('answers 409 Conflict naming the field manager, unless forced', async () => {
      const name = uniqueName('gc');
      await c.co.patchNamespacedCustomObject({ ...gc(), name, body: gslbConfig(name, { refreshInterval: 1 }), fieldManager: 'alice' }, applyPatch);
      const err = await failure(c.co.patchNamespacedCustomObject({ ...gc(), name, body: gslbConfig(name, { refreshInterval: 2 }), fieldManager: 'bob' }, applyPatch));
      expect(err.code).toBe(409);
      expect(err.status.reason).toBe('Conflict');
      expect(err.status.details?.causes).toContainEqual(expect.objectContaining({ reason: 'FieldManagerConflict', field: '.spec.refreshInterval' }));
      expect(err.status.message).toContain('conflict with "alice"');
      const forced = await c.co.patchNamespacedCustomObject({ ...gc(), name, body: gslbConfig(name, { refreshInterval: 2 }), fieldManager: 'bob', force: true }, applyPatch);
      expect(specOf(forced)['refreshInterval']).toBe(2);
      const bob = metaOf(forced).managedFields?.find((e) => e.manager === 'bob');
      expect(bob?.fieldsV1).toHaveProperty(['f:spec', 'f:refreshInterval']);
    });

    it('conflicts with a field set by an ordinary update', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name), fieldManager: 'kubectl-edit' });
      await c.co.patchNamespacedCustomObject({ ...gc(), name, body: { spec: { refreshInterval: 77 } }, fieldManager: 'kubectl-edit' }, mergePatch);
      const err = await failure(c.co.patchNamespacedCustomObject({ ...gc(), name, body: gslbConfig(name, { refreshInterval: 5 }), fieldManager: 'federator' }, applyPatch));
      expect(err.code).toBe(409);
    });
  });

  describe('when applied to the status subresource', () => {
    it('sets status only and keeps generation', async () => {
      const name = uniqueName('ac');
      await c.co.createNamespacedCustomObject({ ...amkoClusters, namespace: ns, body: amkoCluster(name) });
      const applied = await c.co.patchNamespacedCustomObjectStatus(
        {
          ...amkoClusters,
          namespace: ns,
          name,
          body: { apiVersion: 'amko.vmware.com/v1alpha1', kind: 'AMKOCluster', metadata: { name }, status: { conditions: [{ type: 'a', status: 'True', reason: 'r' }] } },
          fieldManager: 'status-writer',
          force: true,
        },
        applyPatch,
      );
      expect((applied as { status: unknown }).status).toEqual({ conditions: [{ type: 'a', status: 'True', reason: 'r' }] });
      expect(metaOf(applied).generation).toBe(1);
      expect(specOf(applied)['isLeader']).toBe(true);
    });
  });
});
