import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { normalizeCrd, servedResourcesOf, type ServedResource } from './crd.ts';
import { isObject } from './json.ts';
import {
  buildOpenApiIndex,
  buildOpenApiV3Document,
  contentHash,
  COORDINATION_V1_RESOURCES,
  CORE_V1_RESOURCES,
  openApiPathOf,
  schemaNameOf,
  type OpenApiDocument,
} from './openapi.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a generated document

const served = (file: string): ServedResource[] =>
  servedResourcesOf(normalizeCrd(parse(readFileSync(new URL(`../../../../deploy/crds/${file}`, import.meta.url), 'utf8')), new Date(0)));
const amkoV1alpha1 = ['amko.vmware.com_amkoclusters.yaml', 'gslb_config_def.yaml', 'gslbhostrule_def.yaml', 'gdp_def.yaml'].flatMap(served);
const doc = buildOpenApiV3Document({ group: 'amko.vmware.com', version: 'v1alpha1' }, amkoV1alpha1) as OpenApiDocument & Json;

/** kubectl's `supportsQueryParamV3` (cli-runtime query_param_verifier_v3.go), restated. */
function kubectlSupportsQueryParam(document: Json, gvk: { group: string; version: string; kind: string }, param: string): boolean {
  for (const pathItem of Object.values(document['paths'] as Json)) {
    const op = pathItem.patch;
    if (!op) continue;
    const ext = op['x-kubernetes-group-version-kind'];
    if (!isObject(ext) || ext['group'] !== gvk.group || ext['version'] !== gvk.version || ext['kind'] !== gvk.kind) continue;
    return (op.parameters as Json[]).some((p) => p['name'] === param && p['in'] === 'query');
  }
  throw new Error(`Path not found for GVK ${JSON.stringify(gvk)}`);
}

describe('buildOpenApiIndex', () => {
  describe('when given group versions and hashes', () => {
    it('lists their server-relative URLs', () => {
      expect(
        buildOpenApiIndex([
          { path: openApiPathOf({ group: 'amko.vmware.com', version: 'v1alpha1' }), hash: 'AB12' },
          { path: openApiPathOf({ group: '', version: 'v1' }), hash: 'CD34' },
        ]),
      ).toEqual({
        paths: {
          'apis/amko.vmware.com/v1alpha1': { serverRelativeURL: '/openapi/v3/apis/amko.vmware.com/v1alpha1?hash=AB12' },
          'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=CD34' },
        },
      });
    });
  });
});

describe('buildOpenApiV3Document', () => {
  describe('when built for the AMKO v1alpha1 CRDs', () => {
    const item = doc.paths['/apis/amko.vmware.com/v1alpha1/namespaces/{namespace}/gslbconfigs/{name}'] as Json;

    it('has the document header kubectl expects', () => {
      expect(doc.openapi).toBe('3.0.0');
      expect(doc.info).toEqual({ title: 'Kubernetes', version: 'v1.32.0' });
    });

    it('serves only the resources of that group version', () => {
      expect(Object.keys(doc.paths).some((p) => p.includes('globaldeploymentpolicies'))).toBe(false);
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/apis/amko.vmware.com/v1alpha1/amkoclusters',
        '/apis/amko.vmware.com/v1alpha1/gslbconfigs',
        '/apis/amko.vmware.com/v1alpha1/gslbhostrules',
        '/apis/amko.vmware.com/v1alpha1/namespaces/{namespace}/amkoclusters',
        '/apis/amko.vmware.com/v1alpha1/namespaces/{namespace}/amkoclusters/{name}',
        '/apis/amko.vmware.com/v1alpha1/namespaces/{namespace}/amkoclusters/{name}/status',
        '/apis/amko.vmware.com/v1alpha1/namespaces/{namespace}/gslbconfigs',
        '/apis/amko.vmware.com/v1alpha1/namespaces/{namespace}/gslbconfigs/{name}',
        '/apis/amko.vmware.com/v1alpha1/namespaces/{namespace}/gslbhostrules',
        '/apis/amko.vmware.com/v1alpha1/namespaces/{namespace}/gslbhostrules/{name}',
      ]);
    });

    it('gives item paths get, put, delete and patch', () => {
      expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put']);
    });

    it('marks the patch operation with its GVK and a fieldValidation query parameter', () => {
      expect(item.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'amko.vmware.com', version: 'v1alpha1', kind: 'GSLBConfig' });
      expect(item.patch.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }));
      expect(kubectlSupportsQueryParam(doc, { group: 'amko.vmware.com', version: 'v1alpha1', kind: 'GSLBConfig' }, 'fieldValidation')).toBe(true);
      expect(kubectlSupportsQueryParam(doc, { group: 'amko.vmware.com', version: 'v1alpha1', kind: 'AMKOCluster' }, 'fieldValidation')).toBe(true);
    });

    it('accepts JSON patch, merge patch and apply, never strategic merge', () => {
      expect(Object.keys(item.patch.requestBody.content)).toEqual(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
      expect(JSON.stringify(doc)).not.toContain('strategic-merge-patch');
    });

    it('builds the kind schema from the CRD schema with the standard fields', () => {
      const schema = doc.components.schemas['com.vmware.amko.v1alpha1.GSLBConfig'] as Json;
      expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'amko.vmware.com', version: 'v1alpha1', kind: 'GSLBConfig' }]);
      expect(schema.properties.metadata.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
      expect(schema.properties.apiVersion.type).toBe('string');
      expect(schema.properties.kind.type).toBe('string');
      expect(schema.properties.spec.properties.logLevel.enum).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']);
      expect(schema.required).toEqual(['spec']);
    });

    it('defines every schema it references', () => {
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] ?? '');
      expect(refs.length).toBeGreaterThan(0);
      for (const name of new Set(refs)) expect(doc.components.schemas).toHaveProperty([name]);
    });

    it('describes the list kind', () => {
      expect(doc.components.schemas['com.vmware.amko.v1alpha1.GSLBConfigList']).toMatchObject({
        'x-kubernetes-group-version-kind': [{ group: 'amko.vmware.com', version: 'v1alpha1', kind: 'GSLBConfigList' }],
        properties: { items: { items: { $ref: '#/components/schemas/com.vmware.amko.v1alpha1.GSLBConfig' } } },
      });
    });
  });

  describe('when built for the built-in groups', () => {
    const core = buildOpenApiV3Document({ group: '', version: 'v1' }, CORE_V1_RESOURCES) as OpenApiDocument & Json;
    const coordination = buildOpenApiV3Document({ group: 'coordination.k8s.io', version: 'v1' }, COORDINATION_V1_RESOURCES) as OpenApiDocument & Json;

    it('serves namespaces cluster-scoped with status, secrets and configmaps namespaced', () => {
      expect(core.paths).toHaveProperty(['/api/v1/namespaces/{name}']);
      expect(core.paths).toHaveProperty(['/api/v1/namespaces/{name}/status']);
      expect(core.paths).toHaveProperty(['/api/v1/namespaces/{namespace}/secrets/{name}']);
      expect(core.paths).toHaveProperty(['/api/v1/namespaces/{namespace}/configmaps/{name}']);
      expect(core.paths).toHaveProperty(['/api/v1/secrets']);
      expect(kubectlSupportsQueryParam(core, { group: '', version: 'v1', kind: 'Secret' }, 'fieldValidation')).toBe(true);
      expect(core.components.schemas[schemaNameOf('', 'v1', 'Secret')]).toMatchObject({ properties: { stringData: { type: 'object' } } });
      expect((core.paths['/api/v1/namespaces/{namespace}/secrets/{name}'] as Json).patch.operationId).toBe('patchCoreV1NamespacedSecret');
    });

    it('serves leases', () => {
      expect(coordination.paths).toHaveProperty(['/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}']);
      expect(coordination.components.schemas).toHaveProperty(['io.k8s.api.coordination.v1.Lease']);
    });
  });
});

describe('contentHash', () => {
  describe('when documents are compared', () => {
    it('is stable under key order and changes with content', () => {
      expect(contentHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(contentHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
      expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
      expect(contentHash(doc)).toMatch(/^[0-9A-F]{128}$/);
    });
  });
});
