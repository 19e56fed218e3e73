/**
 * OpenAPI v3 as kubectl 1.32 reads it (kube-api-notes §3.3): the `/openapi/v3` index and one
 * document per group version, whose PATCH operations carry `x-kubernetes-group-version-kind` and
 * a `fieldValidation` parameter (so kubectl delegates validation to the server) and list only
 * JSON patch, merge patch and apply (never strategic merge).
 */
import { createHash } from 'node:crypto';
import { canonicalJson, clone, isObject, type JsonObject } from './json.ts';
import { CORE_SCHEMAS, META, metaComponents } from './openapi-schemas.ts';
import type { JSONSchemaProps } from './schema-props.ts';

export { COORDINATION_V1_RESOURCES, CORE_V1_RESOURCES } from './openapi-schemas.ts';

/** What a document needs to know about a resource; a `ServedResource` is one. */
export interface ResourceDescriptor {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  statusSubresource?: boolean;
  schema?: JSONSchemaProps | undefined;
  listKind?: string;
}

export interface GroupVersion {
  group: string;
  version: string;
}

export interface OpenApiIndex {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface OpenApiDocument {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, JsonObject>;
  components: { schemas: Record<string, JsonObject> };
}

/** `api/v1` for the core group, `apis/<group>/<version>` otherwise (the index key). */
export function openApiPathOf(gv: GroupVersion): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

export function buildOpenApiIndex(groupVersions: readonly { path: string; hash: string }[]): OpenApiIndex {
  const paths: OpenApiIndex['paths'] = {};
  for (const { path, hash } of groupVersions) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  return { paths };
}

/** Stable content hash (upper-case hex SHA-512 of the canonical JSON, like the API server's ETag). */
export function contentHash(doc: unknown): string {
  return createHash('sha512').update(canonicalJson(doc)).digest('hex').toUpperCase();
}

const SHORT_GROUPS: Record<string, string> = { '': 'core', 'coordination.k8s.io': 'coordination' };

/** `io.k8s.api.core.v1.Secret` for built-in groups, `com.vmware.amko.v1alpha1.GSLBConfig` for CRDs. */
export function schemaNameOf(group: string, version: string, kind: string): string {
  const short = SHORT_GROUPS[group];
  if (short !== undefined) return `io.k8s.api.${short}.${version}.${kind}`;
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The operationId tag: `Core`, `Coordination`, `AmkoVmwareCom`. */
function groupTag(group: string): string {
  const short = SHORT_GROUPS[group];
  if (short !== undefined) return upperFirst(short);
  return group.split(/[.-]/).map(upperFirst).join('');
}

function queryParam(name: string, description: string, type = 'string'): JsonObject {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const PARAMS = {
  dryRun: queryParam('dryRun', 'When present, indicates that modifications should not be persisted. Valid values: - All'),
  fieldManager: queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  fieldValidation: queryParam(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
  ),
  force: queryParam('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.', 'boolean'),
  pretty: queryParam('pretty', "If 'true', then the output is pretty printed."),
  labelSelector: queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  fieldSelector: queryParam('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  limit: queryParam('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  continue: queryParam('continue', 'The continue option should be set when retrieving more results from the server.'),
  resourceVersion: queryParam('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  timeoutSeconds: queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  watch: queryParam('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
  allowWatchBookmarks: queryParam('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  propagationPolicy: queryParam('propagationPolicy', 'Whether and how garbage collection will be performed.'),
  gracePeriodSeconds: queryParam('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
} as const;

const pathParam = (name: string, description: string): JsonObject => ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } });

const JSON_AND_YAML = ['application/json', 'application/yaml'];
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

function content(types: readonly string[], schema: JsonObject): JsonObject {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

function responses(codes: readonly string[], schema: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const code of codes) out[code] = { description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', content: content(JSON_AND_YAML, schema) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

interface OperationSpec {
  action: string;
  verb: string;
  kind: string;
  params: JsonObject[];
  body?: JsonObject;
  codes: string[];
  schema: JsonObject;
}

function buildOperation(r: ResourceDescriptor, spec: OperationSpec, suffix: string): JsonObject {
  const tag = `${groupTag(r.group)}${upperFirst(r.version)}`;
  const scope = r.namespaced && !suffix.startsWith('ForAllNamespaces') ? 'Namespaced' : '';
  const op: JsonObject = {
    tags: [tag],
    description: `${spec.action} ${spec.kind}`,
    operationId: `${spec.verb}${tag}${scope}${spec.kind}${suffix}`,
    parameters: spec.params,
    responses: responses(spec.codes, spec.schema),
    'x-kubernetes-action': spec.action,
    'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
  };
  if (spec.body !== undefined) op['requestBody'] = { content: spec.body, required: true };
  return op;
}

function addResourcePaths(paths: Record<string, JsonObject>, r: ResourceDescriptor): void {
  const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const item = `${collection}/{name}`;
  const kindRef = ref(schemaNameOf(r.group, r.version, r.kind));
  const listKind = r.listKind ?? `${r.kind}List`;
  const listRef = ref(schemaNameOf(r.group, r.version, listKind));
  const scopeParams = r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const writeParams = [PARAMS.dryRun, PARAMS.fieldManager, PARAMS.fieldValidation];
  const patchParams = [...writeParams, PARAMS.force];
  const listParams = [PARAMS.labelSelector, PARAMS.fieldSelector, PARAMS.limit, PARAMS.continue, PARAMS.resourceVersion, PARAMS.timeoutSeconds, PARAMS.watch, PARAMS.allowWatchBookmarks];
  const bodyOf = (schema: JsonObject): JsonObject => content(['*/*'], schema);
  const patchBody = content(PATCH_TYPES, ref(META.patch));
  const deleteParams = [PARAMS.dryRun, PARAMS.gracePeriodSeconds, PARAMS.propagationPolicy];

  paths[collection] = {
    get: buildOperation(r, { action: 'list', verb: 'list', kind: r.kind, params: listParams, codes: ['200'], schema: listRef }, ''),
    post: buildOperation(r, { action: 'post', verb: 'create', kind: r.kind, params: writeParams, body: bodyOf(kindRef), codes: ['200', '201', '202'], schema: kindRef }, ''),
    delete: buildOperation(r, { action: 'deletecollection', verb: 'deletecollection', kind: r.kind, params: [...deleteParams, ...listParams], codes: ['200'], schema: ref(META.status) }, ''),
    parameters: [...scopeParams, PARAMS.pretty],
  };
  const itemParams = [pathParam('name', `name of the ${r.kind}`), ...scopeParams, PARAMS.pretty];
  paths[item] = {
    get: buildOperation(r, { action: 'get', verb: 'read', kind: r.kind, params: [], codes: ['200'], schema: kindRef }, ''),
    put: buildOperation(r, { action: 'put', verb: 'replace', kind: r.kind, params: writeParams, body: bodyOf(kindRef), codes: ['200', '201'], schema: kindRef }, ''),
    delete: buildOperation(r, { action: 'delete', verb: 'delete', kind: r.kind, params: deleteParams, body: bodyOf(ref(META.deleteOptions)), codes: ['200', '202'], schema: ref(META.status) }, ''),
    patch: buildOperation(r, { action: 'patch', verb: 'patch', kind: r.kind, params: patchParams, body: patchBody, codes: ['200', '201'], schema: kindRef }, ''),
    parameters: itemParams,
  };
  if (r.statusSubresource) {
    paths[`${item}/status`] = {
      get: buildOperation(r, { action: 'get', verb: 'read', kind: r.kind, params: [], codes: ['200'], schema: kindRef }, 'Status'),
      put: buildOperation(r, { action: 'put', verb: 'replace', kind: r.kind, params: writeParams, body: bodyOf(kindRef), codes: ['200', '201'], schema: kindRef }, 'Status'),
      patch: buildOperation(r, { action: 'patch', verb: 'patch', kind: r.kind, params: patchParams, body: patchBody, codes: ['200', '201'], schema: kindRef }, 'Status'),
      parameters: itemParams,
    };
  }
  if (r.namespaced) {
    paths[`${prefix}/${r.plural}`] = {
      get: buildOperation(r, { action: 'list', verb: 'list', kind: r.kind, params: listParams, codes: ['200'], schema: listRef }, 'ForAllNamespaces'),
      parameters: [PARAMS.pretty],
    };
  }
}

const gvkExtension = (r: ResourceDescriptor, kind: string): JsonObject[] => [{ group: r.group, version: r.version, kind }];

/** The component schema of a kind: its own schema with the standard apiVersion/kind/metadata. */
function kindSchema(r: ResourceDescriptor): JsonObject {
  const builtIn = CORE_SCHEMAS[`${r.group}/${r.kind}`];
  const source = r.schema ?? builtIn ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const schema = clone(source) as JsonObject;
  const properties = isObject(schema['properties']) ? schema['properties'] : {};
  schema['type'] = 'object';
  schema['properties'] = {
    ...properties,
    apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' },
    kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' },
    metadata: { allOf: [ref(META.objectMeta)], default: {}, description: "Standard object's metadata." },
  };
  schema['x-kubernetes-group-version-kind'] = gvkExtension(r, r.kind);
  return schema;
}

function listSchema(r: ResourceDescriptor, listKind: string): JsonObject {
  return {
    type: 'object',
    description: `${listKind} is a list of ${r.kind}`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      items: { type: 'array', items: ref(schemaNameOf(r.group, r.version, r.kind)) },
      metadata: { allOf: [ref(META.listMeta)], default: {} },
    },
    'x-kubernetes-group-version-kind': gvkExtension(r, listKind),
  };
}

/** The OpenAPI v3 document of one group version. */
export function buildOpenApiV3Document(gv: GroupVersion, resources: readonly ResourceDescriptor[]): OpenApiDocument {
  const paths: Record<string, JsonObject> = {};
  const schemas: Record<string, JsonObject> = { ...metaComponents() };
  for (const r of resources) {
    if (r.group !== gv.group || r.version !== gv.version) continue;
    addResourcePaths(paths, r);
    const listKind = r.listKind ?? `${r.kind}List`;
    schemas[schemaNameOf(r.group, r.version, r.kind)] = kindSchema(r);
    schemas[schemaNameOf(r.group, r.version, listKind)] = listSchema(r, listKind);
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}
