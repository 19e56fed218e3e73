/**
 * Conformance: CRUD on custom resources through @kubernetes/client-node (CustomObjectsApi), with
 * the AMKO CRDs. Runs against the emulator, or a real API server with E2E_KUBECONFIG.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSuiteCluster, type NamespacedSuiteCluster } from './support/suite.ts';
import {
  amkoCluster,
  amkoClusters,
  createTestNamespace,
  failure,
  gslbConfig,
  gslbConfigs,
  jsonPatch,
  mergePatch,
  metaOf,
  strategicMergePatch,
  uniqueName,
  type Clients,
} from './support/clients.ts';

let suite: NamespacedSuiteCluster;
let c: Clients;
let ns: string;
const gc = (): typeof gslbConfigs & { namespace: string } => ({ ...gslbConfigs, namespace: ns });
const ac = (): typeof amkoClusters & { namespace: string } => ({ ...amkoClusters, namespace: ns });

beforeAll(async () => {
  suite = await startSuiteCluster(process.env, { namespace: true });
  ({ c, ns } = suite);
});

afterAll(async () => {
  await suite?.close();
});

describe('custom resources', () => {
  describe('when created', () => {
    it('fills uid, creationTimestamp, resourceVersion, generation 1 and the namespace from the URL', async () => {
      const name = uniqueName('gc');
      const created = await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const meta = metaOf(created);
      expect(meta.name).toBe(name);
      expect(meta.namespace).toBe(ns);
      expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(meta.resourceVersion).toMatch(/^\d+$/);
      expect(meta.generation).toBe(1);
    });

    it('records managedFields under the fieldManager query parameter', async () => {
      const created = await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(uniqueName('gc')), fieldManager: 'federator' });
      const entry = metaOf(created).managedFields?.find((e) => e.manager === 'federator');
      expect(entry?.operation).toBe('Update');
      expect(entry?.fieldsV1).toHaveProperty(['f:spec', 'f:refreshInterval']);
    });

    it('generates a name from generateName', async () => {
      const created = await c.co.createNamespacedCustomObject({ ...gc(), body: { ...gslbConfig(''), metadata: { generateName: 'gen-' } } });
      expect(metaOf(created).name).toMatch(/^gen-[a-z0-9]{5}$/);
    });

    it('answers 422 Invalid for a name that is not a DNS subdomain', async () => {
      const err = await failure(c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig('Bad_Name') }));
      expect(err.code).toBe(422);
      expect(err.status.reason).toBe('Invalid');
      expect(err.status.details?.causes?.[0]?.field).toBe('metadata.name');
    });

    it('answers 404 when the namespace does not exist', async () => {
      const err = await failure(c.co.createNamespacedCustomObject({ ...gslbConfigs, namespace: uniqueName('missing'), body: gslbConfig('x') }));
      expect(err.code).toBe(404);
      expect(err.status.reason).toBe('NotFound');
      expect(err.status.message).toMatch(/^namespaces ".+" not found$/);
    });

    it('answers 409 AlreadyExists for a taken name', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const err = await failure(c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) }));
      expect(err.code).toBe(409);
      expect(err.status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'AlreadyExists', message: `gslbconfigs.amko.vmware.com "${name}" already exists` });
    });

    it('answers 400 when kind is missing', async () => {
      const { kind: _kind, ...body } = gslbConfig(uniqueName('gc'));
      const err = await failure(c.co.createNamespacedCustomObject({ ...gc(), body }));
      expect(err.code).toBe(400);
    });

    it('answers 400 when the body names another namespace', async () => {
      const body = gslbConfig(uniqueName('gc'));
      (body['metadata'] as Record<string, unknown>)['namespace'] = 'default';
      const err = await failure(c.co.createNamespacedCustomObject({ ...gc(), body }));
      expect(err.code).toBe(400);
      expect(err.status.message).toContain('does not match the namespace');
    });

    it('drops status sent to the main endpoint of a kind with a status subresource', async () => {
      const body = { ...amkoCluster(uniqueName('ac')), status: { conditions: [{ type: 'x', status: 'True', reason: 'r' }] } };
      const created = await c.co.createNamespacedCustomObject({ ...ac(), body });
      expect(created).not.toHaveProperty('status');
    });
  });

  describe('when read', () => {
    it('gets one object as it was stored', async () => {
      const name = uniqueName('gc');
      const created = await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name, { refreshInterval: 15 }) });
      const got = await c.co.getNamespacedCustomObject({ ...gc(), name });
      expect(got).toEqual(created);
    });

    it('answers 404 NotFound with the API server message and details', async () => {
      const err = await failure(c.co.getNamespacedCustomObject({ ...gc(), name: 'absent' }));
      expect(err.code).toBe(404);
      expect(err.status).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'NotFound',
        message: 'gslbconfigs.amko.vmware.com "absent" not found',
        details: { name: 'absent', group: 'amko.vmware.com', kind: 'gslbconfigs' },
      });
    });

    it('lists with the <Kind>List shape and a list resourceVersion', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const list = (await c.co.listNamespacedCustomObject({ ...gc() })) as { apiVersion: string; kind: string; metadata: { resourceVersion: string }; items: unknown[] };
      expect(list.apiVersion).toBe('amko.vmware.com/v1alpha1');
      expect(list.kind).toBe('GSLBConfigList');
      expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
      expect(list.items.map((i) => metaOf(i).name)).toContain(name);
    });

    it('lists an empty collection with items: []', async () => {
      const list = (await c.co.listNamespacedCustomObject({ ...gslbConfigs, plural: 'gslbhostrules', namespace: ns })) as { items: unknown };
      expect(list.items).toEqual([]);
    });

    it('filters by label selector', async () => {
      const a = uniqueName('gc');
      const b = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: { ...gslbConfig(a), metadata: { name: a, labels: { tier: 'gold', team: a } } } });
      await c.co.createNamespacedCustomObject({ ...gc(), body: { ...gslbConfig(b), metadata: { name: b, labels: { tier: 'silver', team: a } } } });
      const list = (await c.co.listNamespacedCustomObject({ ...gc(), labelSelector: `team=${a},tier in (gold,bronze)` })) as { items: unknown[] };
      expect(list.items.map((i) => metaOf(i).name)).toEqual([a]);
      const notGold = (await c.co.listNamespacedCustomObject({ ...gc(), labelSelector: `team=${a},tier!=gold` })) as { items: unknown[] };
      expect(notGold.items.map((i) => metaOf(i).name)).toEqual([b]);
    });

    it('filters by the metadata.name and metadata.namespace field selectors', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const list = (await c.co.listNamespacedCustomObject({ ...gc(), fieldSelector: `metadata.name=${name}` })) as { items: unknown[] };
      expect(list.items.map((i) => metaOf(i).name)).toEqual([name]);
      const all = (await c.co.listCustomObjectForAllNamespaces({ group: gslbConfigs.group, version: gslbConfigs.version, resourcePlural: gslbConfigs.plural, fieldSelector: `metadata.namespace=${ns},metadata.name=${name}` })) as { items: unknown[] };
      expect(all.items.map((i) => metaOf(i).namespace)).toEqual([ns]);
    });

    it('answers 400 for a field selector on an unsupported field', async () => {
      const err = await failure(c.co.listNamespacedCustomObject({ ...gc(), fieldSelector: 'spec.refreshInterval=1' }));
      expect(err.code).toBe(400);
    });

    it('lists across all namespaces', async () => {
      const other = await createTestNamespace(c);
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gslbConfigs, namespace: other, body: gslbConfig(name) });
      const list = (await c.co.listCustomObjectForAllNamespaces({ group: gslbConfigs.group, version: gslbConfigs.version, resourcePlural: gslbConfigs.plural })) as { items: unknown[] };
      const namespaces = new Set(list.items.map((i) => metaOf(i).namespace));
      expect(namespaces.has(other)).toBe(true);
      expect(namespaces.has(ns)).toBe(true);
    });

    it('pages with limit and continue', async () => {
      const team = uniqueName('team');
      for (let i = 0; i < 3; i++) {
        const name = `${team}-${i}`;
        await c.co.createNamespacedCustomObject({ ...gc(), body: { ...gslbConfig(name), metadata: { name, labels: { team } } } });
      }
      const first = (await c.co.listNamespacedCustomObject({ ...gc(), labelSelector: `team=${team}`, limit: 2 })) as { items: unknown[]; metadata: { continue?: string } };
      expect(first.items).toHaveLength(2);
      expect(first.metadata.continue).toBeTruthy();
      const second = (await c.co.listNamespacedCustomObject({ ...gc(), labelSelector: `team=${team}`, limit: 2, _continue: first.metadata.continue })) as {
        items: unknown[];
        metadata: { continue?: string };
      };
      expect(second.items.map((i) => metaOf(i).name)).toEqual([`${team}-2`]);
      expect(second.metadata.continue ?? '').toBe('');
    });
  });

  describe('when replaced', () => {
    it('bumps resourceVersion and generation when the spec changes', async () => {
      const name = uniqueName('gc');
      const created = (await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) })) as Record<string, unknown>;
      const replaced = await c.co.replaceNamespacedCustomObject({ ...gc(), name, body: { ...created, spec: { ...(created['spec'] as object), refreshInterval: 99 } } });
      expect(metaOf(replaced).resourceVersion).not.toBe(metaOf(created).resourceVersion);
      expect(metaOf(replaced).generation).toBe(2);
      expect((replaced as { spec: { refreshInterval: number } }).spec.refreshInterval).toBe(99);
    });

    it('does not bump generation for a metadata-only change', async () => {
      const name = uniqueName('gc');
      const created = (await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) })) as { metadata: Record<string, unknown> };
      const replaced = await c.co.replaceNamespacedCustomObject({ ...gc(), name, body: { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } } });
      expect(metaOf(replaced).generation).toBe(1);
      expect(metaOf(replaced).resourceVersion).not.toBe(metaOf(created).resourceVersion);
    });

    it('changes nothing for a no-op update', async () => {
      const name = uniqueName('gc');
      const created = await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const replaced = await c.co.replaceNamespacedCustomObject({ ...gc(), name, body: created });
      expect(metaOf(replaced).resourceVersion).toBe(metaOf(created).resourceVersion);
      expect(metaOf(replaced).generation).toBe(1);
    });

    it('answers 409 Conflict for a stale resourceVersion', async () => {
      const name = uniqueName('gc');
      const created = (await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) })) as Record<string, unknown>;
      await c.co.replaceNamespacedCustomObject({ ...gc(), name, body: { ...created, spec: { refreshInterval: 1 } } });
      const err = await failure(c.co.replaceNamespacedCustomObject({ ...gc(), name, body: { ...created, spec: { refreshInterval: 2 } } }));
      expect(err.code).toBe(409);
      expect(err.status).toMatchObject({
        reason: 'Conflict',
        message: `Operation cannot be fulfilled on gslbconfigs.amko.vmware.com "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        details: { name, group: 'amko.vmware.com', kind: 'gslbconfigs' },
      });
    });

    it('answers 422 when the resourceVersion is missing', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const err = await failure(c.co.replaceNamespacedCustomObject({ ...gc(), name, body: gslbConfig(name, { refreshInterval: 5 }) }));
      expect(err.code).toBe(422);
      expect(err.status.message).toContain('metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    });

    it('answers 404 for an object that does not exist', async () => {
      const err = await failure(c.co.replaceNamespacedCustomObject({ ...gc(), name: 'ghost', body: { ...gslbConfig('ghost'), metadata: { name: 'ghost', resourceVersion: '1' } } }));
      expect(err.code).toBe(404);
    });

    it('keeps the stored status when the main endpoint sends another one', async () => {
      const name = uniqueName('ac');
      await c.co.createNamespacedCustomObject({ ...ac(), body: amkoCluster(name) });
      const withStatus = (await c.co.replaceNamespacedCustomObjectStatus({
        ...ac(),
        name,
        body: { ...((await c.co.getNamespacedCustomObject({ ...ac(), name })) as object), status: { conditions: [{ type: 'a', status: 'True', reason: 'ok' }] } },
      })) as Record<string, unknown>;
      const replaced = await c.co.replaceNamespacedCustomObject({ ...ac(), name, body: { ...withStatus, status: { conditions: [] }, spec: { ...(withStatus['spec'] as object), version: '2' } } });
      expect((replaced as { status: unknown }).status).toEqual({ conditions: [{ type: 'a', status: 'True', reason: 'ok' }] });
      expect(metaOf(replaced).generation).toBe(2);
    });
  });

  describe('when patched', () => {
    it('applies a JSON merge patch (null deletes, arrays replace)', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name, { logLevel: 'INFO' }) });
      const patched = await c.co.patchNamespacedCustomObject(
        { ...gc(), name, body: { spec: { logLevel: null, memberClusters: [{ clusterContext: 'c9' }] } } },
        mergePatch,
      );
      const spec = (patched as { spec: Record<string, unknown> }).spec;
      expect(spec['logLevel']).toBeUndefined();
      expect(spec['memberClusters']).toEqual([{ clusterContext: 'c9' }]);
      expect(metaOf(patched).generation).toBe(2);
    });

    it('applies a JSON patch (the client default)', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const patched = await c.co.patchNamespacedCustomObject({ ...gc(), name, body: [{ op: 'replace', path: '/spec/refreshInterval', value: 7 }] }, jsonPatch);
      expect((patched as { spec: { refreshInterval: number } }).spec.refreshInterval).toBe(7);
    });

    it('answers 422 when a JSON patch test fails', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const err = await failure(c.co.patchNamespacedCustomObject({ ...gc(), name, body: [{ op: 'test', path: '/spec/refreshInterval', value: 1234 }] }, jsonPatch));
      expect(err.code).toBe(422);
    });

    it('answers 415 for a strategic merge patch on a custom resource', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const err = await failure(c.co.patchNamespacedCustomObject({ ...gc(), name, body: { spec: { refreshInterval: 3 } } }, strategicMergePatch));
      expect(err.code).toBe(415);
      expect(err.status.message).toContain('application/merge-patch+json');
    });

    it('answers 409 when the patch carries a stale resourceVersion', async () => {
      const name = uniqueName('gc');
      const created = await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      await c.co.patchNamespacedCustomObject({ ...gc(), name, body: { spec: { refreshInterval: 8 } } }, mergePatch);
      const err = await failure(
        c.co.patchNamespacedCustomObject({ ...gc(), name, body: { metadata: { resourceVersion: metaOf(created).resourceVersion }, spec: { refreshInterval: 9 } } }, mergePatch),
      );
      expect(err.code).toBe(409);
    });

    it('answers 404 for a missing object', async () => {
      const err = await failure(c.co.patchNamespacedCustomObject({ ...gc(), name: 'ghost', body: { spec: {} } }, mergePatch));
      expect(err.code).toBe(404);
    });
  });

  describe('when the status subresource is written', () => {
    it('replaces status without bumping generation and ignores spec changes', async () => {
      const name = uniqueName('ac');
      const created = (await c.co.createNamespacedCustomObject({ ...ac(), body: amkoCluster(name) })) as Record<string, unknown>;
      const updated = await c.co.replaceNamespacedCustomObjectStatus({
        ...ac(),
        name,
        body: { ...created, spec: { ...(created['spec'] as object), version: 'changed' }, status: { conditions: [{ type: 'current AMKO cluster validation', status: 'True', reason: 'ok' }] } },
      });
      expect((updated as { status: unknown }).status).toEqual({ conditions: [{ type: 'current AMKO cluster validation', status: 'True', reason: 'ok' }] });
      expect((updated as { spec: { version: string } }).spec.version).toBe('1.12.1');
      expect(metaOf(updated).generation).toBe(1);
      expect(metaOf(updated).resourceVersion).not.toBe(metaOf(created).resourceVersion);
    });

    it('merge-patches status and prunes fields the schema does not declare', async () => {
      const name = uniqueName('ac');
      await c.co.createNamespacedCustomObject({ ...ac(), body: amkoCluster(name) });
      const patched = await c.co.patchNamespacedCustomObjectStatus(
        { ...ac(), name, body: { status: { conditions: [{ type: 't', status: 'False', reason: 'r', message: 'dropped' }] } } },
        mergePatch,
      );
      expect((patched as { status: unknown }).status).toEqual({ conditions: [{ type: 't', status: 'False', reason: 'r' }] });
      const got = await c.co.getNamespacedCustomObjectStatus({ ...ac(), name });
      expect((got as { status: unknown }).status).toEqual({ conditions: [{ type: 't', status: 'False', reason: 'r' }] });
    });

    it('answers 409 for a stale resourceVersion on /status', async () => {
      const name = uniqueName('ac');
      const created = (await c.co.createNamespacedCustomObject({ ...ac(), body: amkoCluster(name) })) as Record<string, unknown>;
      await c.co.patchNamespacedCustomObject({ ...ac(), name, body: { spec: { version: 'x' } } }, mergePatch);
      const err = await failure(c.co.replaceNamespacedCustomObjectStatus({ ...ac(), name, body: { ...created, status: { conditions: [] } } }));
      expect(err.code).toBe(409);
    });
  });

  describe('when deleted', () => {
    it('answers 200 with a Success Status carrying name, group, kind and uid', async () => {
      const name = uniqueName('gc');
      const created = await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const status = await c.co.deleteNamespacedCustomObject({ ...gc(), name });
      expect(status).toMatchObject({ kind: 'Status', status: 'Success', details: { name, group: 'amko.vmware.com', kind: 'gslbconfigs', uid: metaOf(created).uid } });
      expect((await failure(c.co.getNamespacedCustomObject({ ...gc(), name }))).code).toBe(404);
    });

    it('answers 404 for a missing object', async () => {
      expect((await failure(c.co.deleteNamespacedCustomObject({ ...gc(), name: 'ghost' }))).code).toBe(404);
    });

    it('with finalizers: sets deletionTimestamp and keeps the object until the last finalizer is removed', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: { ...gslbConfig(name), metadata: { name, finalizers: ['test.amko-fed.io/hold', 'test.amko-fed.io/second'] } } });
      const deleting = await c.co.deleteNamespacedCustomObject({ ...gc(), name });
      expect(metaOf(deleting).deletionTimestamp).toMatch(/Z$/);
      expect(metaOf(deleting).finalizers).toEqual(['test.amko-fed.io/hold', 'test.amko-fed.io/second']);
      const still = await c.co.getNamespacedCustomObject({ ...gc(), name });
      expect(metaOf(still).deletionTimestamp).toBeTruthy();

      const err = await failure(c.co.patchNamespacedCustomObject({ ...gc(), name, body: { metadata: { finalizers: ['test.amko-fed.io/hold', 'test.amko-fed.io/second', 'test.amko-fed.io/new'] } } }, mergePatch));
      expect(err.code).toBe(422);

      await c.co.patchNamespacedCustomObject({ ...gc(), name, body: { metadata: { finalizers: ['test.amko-fed.io/second'] } } }, mergePatch);
      expect(metaOf(await c.co.getNamespacedCustomObject({ ...gc(), name })).finalizers).toEqual(['test.amko-fed.io/second']);
      await c.co.patchNamespacedCustomObject({ ...gc(), name, body: { metadata: { finalizers: null } } }, mergePatch);
      expect((await failure(c.co.getNamespacedCustomObject({ ...gc(), name }))).code).toBe(404);
    });
  });

  describe('when a collection is deleted', () => {
    it('deletes the objects matching the label selector only', async () => {
      const team = uniqueName('team');
      for (const [name, labels] of [[`${team}-a`, { team }], [`${team}-b`, { team }], [`${team}-c`, { team: 'other' }]] as const) {
        await c.co.createNamespacedCustomObject({ ...gc(), body: { ...gslbConfig(name), metadata: { name, labels } } });
      }
      await c.co.deleteCollectionNamespacedCustomObject({ ...gc(), labelSelector: `team=${team}` });
      const left = (await c.co.listNamespacedCustomObject({ ...gc() })) as { items: unknown[] };
      const names = left.items.map((i) => metaOf(i).name).filter((n) => n.startsWith(team));
      expect(names).toEqual([`${team}-c`]);
    });
  });

  describe('when dryRun=All', () => {
    it('validates a create but stores nothing', async () => {
      const name = uniqueName('gc');
      const answer = await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name), dryRun: 'All' });
      expect(metaOf(answer).name).toBe(name);
      expect((await failure(c.co.getNamespacedCustomObject({ ...gc(), name }))).code).toBe(404);
    });

    it('deletes nothing', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      await c.co.deleteNamespacedCustomObject({ ...gc(), name, dryRun: 'All' });
      expect(metaOf(await c.co.getNamespacedCustomObject({ ...gc(), name })).name).toBe(name);
    });
  });
});
