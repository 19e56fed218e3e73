/**
 * Conformance: /version, health probes, plain and aggregated discovery, OpenAPI v3 and the Table
 * output, read with raw HTTP so headers and shapes are visible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realServerSkips, type ProvidedCluster } from './support/provider.ts';
import { startSuiteCluster, type SuiteCluster } from './support/suite.ts';
import { createTestNamespace, gslbConfig, gslbConfigs, uniqueName, type Clients } from './support/clients.ts';
import { rawClient, type RawResponse } from './support/http.ts';

let suite: SuiteCluster;
let cluster: ProvidedCluster;
let c: Clients;
let get: (path: string, req?: Parameters<ReturnType<typeof rawClient>>[1]) => Promise<RawResponse>;

beforeAll(async () => {
  suite = await startSuiteCluster(process.env);
  ({ cluster, c } = suite);
  get = rawClient(cluster);
});

afterAll(async () => {
  await suite?.close();
});

interface ResourceEntry {
  name: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  singularName?: string;
}

describe('server info', () => {
  describe('when /version is asked without a token', () => {
    it('answers the version as JSON', async () => {
      const res = await get('/version', { token: null });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.json()).toMatchObject({ major: '1', gitVersion: expect.stringMatching(/^v1\.\d+\.\d+/) });
    });
  });

  describe('when a health probe is asked', () => {
    it.each(['/healthz', '/readyz', '/livez'])('%s answers ok', async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.text).toBe('ok');
    });
  });
});

describe('discovery', () => {
  describe('when plain discovery is asked', () => {
    it('/api lists v1', async () => {
      const res = await get('/api');
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    });

    it('/api/v1 lists namespaces, secrets and configmaps', async () => {
      const list = (await get('/api/v1')).json<{ kind: string; resources: ResourceEntry[] }>();
      expect(list.kind).toBe('APIResourceList');
      const byName = new Map(list.resources.map((r) => [r.name, r]));
      expect(byName.get('namespaces')).toMatchObject({ namespaced: false, kind: 'Namespace' });
      expect(byName.get('secrets')).toMatchObject({ namespaced: true, kind: 'Secret' });
      expect(byName.get('configmaps')?.verbs).toContain('watch');
    });

    it('/apis lists the AMKO group with both versions and the built-in groups', async () => {
      const list = (await get('/apis')).json<{ kind: string; groups: { name: string; versions: { version: string }[]; preferredVersion: { version: string } }[] }>();
      expect(list.kind).toBe('APIGroupList');
      const amko = list.groups.find((g) => g.name === 'amko.vmware.com');
      expect(amko?.versions.map((v) => v.version).sort()).toEqual(['v1alpha1', 'v1alpha2']);
      expect(list.groups.map((g) => g.name)).toEqual(expect.arrayContaining(['apiextensions.k8s.io', 'coordination.k8s.io']));
    });

    it('/apis/{group}/{version} lists the resources with verbs, short names and the status subresource', async () => {
      const list = (await get('/apis/amko.vmware.com/v1alpha1')).json<{ groupVersion: string; resources: ResourceEntry[] }>();
      expect(list.groupVersion).toBe('amko.vmware.com/v1alpha1');
      const byName = new Map(list.resources.map((r) => [r.name, r]));
      expect(byName.get('gslbconfigs')).toMatchObject({ singularName: 'gslbconfig', namespaced: true, kind: 'GSLBConfig', shortNames: ['gc'] });
      expect(byName.get('gslbconfigs')?.verbs.sort()).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
      expect(byName.get('amkoclusters/status')?.verbs.sort()).toEqual(['get', 'patch', 'update']);
    });
  });

  describe('when aggregated discovery is asked', () => {
    it('answers an APIGroupDiscoveryList with its content type', async () => {
      const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
      const res = await get('/apis', { headers: { Accept: accept } });
      expect(res.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      const doc = res.json<{ kind: string; items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; scope: string; subresources?: { subresource: string }[] }[] }[] }[] }>();
      expect(doc.kind).toBe('APIGroupDiscoveryList');
      const amko = doc.items.find((i) => i.metadata.name === 'amko.vmware.com');
      const v1alpha1 = amko?.versions.find((v) => v.version === 'v1alpha1');
      const clusters = v1alpha1?.resources.find((r) => r.resource === 'amkoclusters');
      expect(clusters?.scope).toBe('Namespaced');
      expect(clusters?.subresources?.map((s) => s.subresource)).toEqual(['status']);
      const core = (await get('/api', { headers: { Accept: accept } })).json<{ items: { metadata: { name: string } }[] }>();
      expect(core.items.map((i) => i.metadata.name)).toEqual(['']);
    });
  });

  describe('when a method does not fit the path', () => {
    it('answers 405 MethodNotAllowed as a Status', async () => {
      const res = await get('/apis/amko.vmware.com/v1alpha1/namespaces/default/gslbconfigs', { method: 'PUT', body: '{}', headers: { 'Content-Type': 'application/json' } });
      expect(res.status).toBe(405);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
    });
  });

  describe('when a path is not served', () => {
    it('answers a 404 Status as JSON', async () => {
      const res = await get('/apis/nothing.example.com/v1/things');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    });
  });
});

describe('openapi v3', () => {
  it('indexes every group version with a hash and serves the CRD schema with kubectl-ready PATCH operations', async () => {
    const index = (await get('/openapi/v3')).json<{ paths: Record<string, { serverRelativeURL: string }> }>();
    const entry = index.paths['apis/amko.vmware.com/v1alpha1'];
    expect(entry?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/amko\.vmware\.com\/v1alpha1\?hash=[0-9A-F]+$/);
    expect(index.paths).toHaveProperty('api/v1');
    const doc = (await get(entry?.serverRelativeURL ?? '')).json<{ paths: Record<string, Record<string, { parameters?: { name: string }[]; 'x-kubernetes-group-version-kind'?: unknown }>>; components: { schemas: Record<string, { properties?: Record<string, { properties?: Record<string, unknown> }> }> } }>();
    const item = doc.paths['/apis/amko.vmware.com/v1alpha1/namespaces/{namespace}/gslbconfigs/{name}'];
    expect(item?.['patch']?.['x-kubernetes-group-version-kind']).toEqual({ group: 'amko.vmware.com', version: 'v1alpha1', kind: 'GSLBConfig' });
    expect(item?.['patch']?.parameters?.map((p) => p.name)).toContain('fieldValidation');
    const schema = doc.components.schemas['com.vmware.amko.v1alpha1.GSLBConfig'];
    expect(schema?.properties?.['spec']?.properties).toHaveProperty('refreshInterval');
  });
});

describe('table output', () => {
  it('renders Name and Age for kubectl when asked for a Table', async () => {
    const ns = await createTestNamespace(c);
    const name = uniqueName('gc');
    await c.co.createNamespacedCustomObject({ ...gslbConfigs, namespace: ns, body: gslbConfig(name) });
    const res = await get(`/apis/amko.vmware.com/v1alpha1/namespaces/${ns}/gslbconfigs?limit=500`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' },
    });
    const table = res.json<{ kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { kind: string } }[] }>();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((d) => d.name)).toEqual(['Name', 'Age']);
    expect(table.rows[0]?.cells[0]).toBe(name);
    expect(table.rows[0]?.cells[1]).toMatch(/^\d+s$/);
    expect(table.rows[0]?.object.kind).toBe('PartialObjectMetadata');
    await c.core.deleteNamespace({ name: ns });
  });
});

describe.skipIf(realServerSkips(process.env, 'server info (emulator)', 'the emulated version 1.32'))('server info (emulator)', () => {
  it('reports Kubernetes 1.32 so the kubectl dispatcher picks kubectl 1.32', async () => {
    expect((await get('/version')).json()).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0' });
  });
});
