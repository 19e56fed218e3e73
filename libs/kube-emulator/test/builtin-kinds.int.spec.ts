/**
 * Conformance: the built-in kinds the project uses — Namespace lifecycle, Secret `stringData`,
 * ConfigMap, Lease and CustomResourceDefinition (served dynamically, cleanup on delete).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { startSuiteCluster, type NamespacedSuiteCluster } from './support/suite.ts';
import { collectWatch } from './support/watch.ts';
import { createTestNamespace, eventually, failure, gslbConfig, gslbConfigs, metaOf, strategicMergePatch, uniqueName, type Clients } from './support/clients.ts';

let suite: NamespacedSuiteCluster;
let c: Clients;
let ns: string;

beforeAll(async () => {
  suite = await startSuiteCluster(process.env, { namespace: true });
  ({ c, ns } = suite);
});

afterAll(async () => {
  await suite?.close();
});

/** A test CRD in its own group, so the suite can create and delete it freely. */
function widgetCrd(group: string, scope: 'Namespaced' | 'Cluster' = 'Namespaced'): V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope,
      names: { kind: 'Widget', plural: 'widgets', shortNames: ['wdg'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1, _default: 3 }, color: { type: 'string' } } },
                status: { type: 'object', properties: { ready: { type: 'boolean' } } },
              },
            },
          },
        },
      ],
    },
  };
}

describe('namespaces', () => {
  describe('when created', () => {
    it('get the kubernetes finalizer, phase Active and the metadata.name label', async () => {
      const name = uniqueName('ns');
      const created = await c.core.createNamespace({ body: { metadata: { name } } });
      expect(created.spec?.finalizers).toEqual(['kubernetes']);
      expect(created.status?.phase).toBe('Active');
      expect(created.metadata?.labels?.['kubernetes.io/metadata.name']).toBe(name);
      expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    });
  });

  describe('when deleted', () => {
    it('go Terminating, lose their contents, then disappear', async () => {
      const name = await createTestNamespace(c);
      await c.core.createNamespacedSecret({ namespace: name, body: { metadata: { name: 's' }, stringData: { a: 'b' } } });
      await c.co.createNamespacedCustomObject({ ...gslbConfigs, namespace: name, body: gslbConfig('gc') });
      const deleting = await c.core.deleteNamespace({ name });
      expect((deleting as { status?: { phase?: string } }).status?.phase).toBe('Terminating');
      await eventually(async () => expect((await failure(c.core.readNamespace({ name }))).code).toBe(404), 60_000, 100);
      expect((await failure(c.core.readNamespacedSecret({ namespace: name, name: 's' }))).code).toBe(404);
    });

    it('refuse new content while terminating (403) when something holds them', async () => {
      const name = await createTestNamespace(c);
      await c.co.createNamespacedCustomObject({ ...gslbConfigs, namespace: name, body: { ...gslbConfig('held'), metadata: { name: 'held', finalizers: ['test.amko-fed.io/hold'] } } });
      await c.core.deleteNamespace({ name });
      const err = await failure(c.core.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'late' } } }));
      expect(err.code).toBe(403);
      expect(err.status.message).toContain('because it is being terminated');
      await eventually(async () => expect(metaOf(await c.co.getNamespacedCustomObject({ ...gslbConfigs, namespace: name, name: 'held' })).deletionTimestamp).toBeTruthy(), 30_000, 50);
      await c.co.patchNamespacedCustomObject(
        { ...gslbConfigs, namespace: name, name: 'held', body: [{ op: 'remove', path: '/metadata/finalizers' }] },
      );
      await eventually(async () => expect((await failure(c.core.readNamespace({ name }))).code).toBe(404), 60_000, 100);
    });
  });
});

describe('secrets', () => {
  describe('when written with stringData', () => {
    it('store it base64-encoded in data and never return stringData', async () => {
      const created = await c.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: uniqueName('s') }, stringData: { password: 'p@ss' }, data: { user: Buffer.from('admin').toString('base64') } } });
      expect(created.data).toEqual({ password: Buffer.from('p@ss').toString('base64'), user: Buffer.from('admin').toString('base64') });
      expect(created.stringData).toBeUndefined();
      expect(created.type).toBe('Opaque');
      const got = await c.core.readNamespacedSecret({ namespace: ns, name: created.metadata?.name ?? '' });
      expect(got.stringData).toBeUndefined();
    });

    it('accept strategic merge patches', async () => {
      const name = uniqueName('s');
      await c.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name, labels: { a: '1' } }, stringData: { k: 'v' } } });
      const patched = await c.core.patchNamespacedSecret({ namespace: ns, name, body: { metadata: { labels: { b: '2' } }, stringData: { k2: 'v2' } } }, strategicMergePatch);
      expect(patched.metadata?.labels).toEqual({ a: '1', b: '2' });
      expect(Object.keys(patched.data ?? {}).sort()).toEqual(['k', 'k2']);
    });

    it('refuse data changes once immutable', async () => {
      const name = uniqueName('s');
      await c.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name }, stringData: { k: 'v' }, immutable: true } });
      const err = await failure(c.core.replaceNamespacedSecret({ namespace: ns, name, body: { metadata: { name }, stringData: { k: 'changed' }, immutable: true } }));
      expect(err.code).toBe(422);
      expect(err.status.details?.causes?.[0]?.field).toBe('data');
    });

    it('allow an unconditional replace and have no generation', async () => {
      const name = uniqueName('s');
      await c.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name }, stringData: { k: 'v' } } });
      const replaced = await c.core.replaceNamespacedSecret({ namespace: ns, name, body: { metadata: { name }, stringData: { k: 'w' } } });
      expect(Buffer.from(replaced.data?.['k'] ?? '', 'base64').toString()).toBe('w');
      expect(replaced.metadata?.generation).toBeUndefined();
    });
  });
});

describe('configmaps and leases', () => {
  it('round-trip a ConfigMap', async () => {
    const name = uniqueName('cm');
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name }, data: { a: 'b' } } });
    expect((await c.core.readNamespacedConfigMap({ namespace: ns, name })).data).toEqual({ a: 'b' });
    const list = await c.core.listNamespacedConfigMap({ namespace: ns });
    expect(list.items.map((i) => i.metadata?.name)).toContain(name);
  });

  it('round-trip a Lease with optimistic concurrency', async () => {
    const name = uniqueName('lease');
    const created = await c.coord.createNamespacedLease({ namespace: ns, body: { metadata: { name }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } } });
    const renewed = await c.coord.replaceNamespacedLease({ namespace: ns, name, body: { ...created, spec: { ...created.spec, renewTime: new Date() } } });
    expect(renewed.spec?.holderIdentity).toBe('me');
    const err = await failure(c.coord.replaceNamespacedLease({ namespace: ns, name, body: { ...created, spec: { ...created.spec, holderIdentity: 'you' } } }));
    expect(err.code).toBe(409);
  });
});

describe('custom resource definitions', () => {
  describe('when created', () => {
    it('become Established, and their group is served with discovery and CRUD', async () => {
      const group = `${uniqueName('g')}.test.amko-fed.io`;
      const created = await c.ext.createCustomResourceDefinition({ body: widgetCrd(group) });
      expect(created.metadata?.name).toBe(`widgets.${group}`);
      const crd = await eventually(async () => {
        const got = await c.ext.readCustomResourceDefinition({ name: `widgets.${group}` });
        expect(got.status?.conditions?.find((cond) => cond.type === 'Established')?.status).toBe('True');
        return got;
      });
      expect(crd.status?.acceptedNames?.kind).toBe('Widget');
      expect(crd.spec.names.singular).toBe('widget');
      expect(crd.spec.names.listKind).toBe('WidgetList');
      expect(crd.status?.storedVersions).toEqual(['v1']);

      const widget = await eventually(() =>
        c.co.createNamespacedCustomObject({ group, version: 'v1', plural: 'widgets', namespace: ns, body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: {} } }),
      );
      expect((widget as { spec: { size: number } }).spec.size).toBe(3);
      const err = await failure(
        c.co.createNamespacedCustomObject({ group, version: 'v1', plural: 'widgets', namespace: ns, body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w2' }, spec: { size: 0 } } }),
      );
      expect(err.status.message).toBe(`Widget.${group} "w2" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1`);
    });

    it('answer 422 for an invalid definition', async () => {
      const bad = widgetCrd('nodots');
      const err = await failure(c.ext.createCustomResourceDefinition({ body: bad }));
      expect(err.code).toBe(422);
      expect(err.status.details?.causes?.map((cause) => cause.field)).toContain('spec.group');
    });
  });

  describe('when deleted', () => {
    it('delete their objects, end their watches and stop serving the group', async () => {
      const group = `${uniqueName('g')}.test.amko-fed.io`;
      await c.ext.createCustomResourceDefinition({ body: widgetCrd(group) });
      const coords = { group, version: 'v1', plural: 'widgets', namespace: ns };
      await eventually(() => c.co.createNamespacedCustomObject({ ...coords, body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 2 } } }));
      const watch = await collectWatch(c.kc, `/apis/${group}/v1/namespaces/${ns}/widgets`, {});
      await watch.waitFor((e) => e.type === 'ADDED');
      await c.ext.deleteCustomResourceDefinition({ name: `widgets.${group}` });
      await watch.waitFor((e) => e.type === 'DELETED' && e.object.metadata?.name === 'w1');
      expect(await watch.done).toBeNull();
      await eventually(async () => expect((await failure(c.ext.readCustomResourceDefinition({ name: `widgets.${group}` }))).code).toBe(404), 30_000, 100);
      await eventually(async () => expect((await failure(c.co.listNamespacedCustomObject(coords))).code).toBe(404), 30_000, 100);
    });
  });
});
