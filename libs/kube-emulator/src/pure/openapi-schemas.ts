/**
 * Loose OpenAPI schemas for the meta types (ObjectMeta, ListMeta, Status, DeleteOptions, Patch)
 * and the built-in kinds the emulator serves (Namespace, Secret, ConfigMap, Lease). Enough for
 * kubectl's validation and `explain`; not the full upstream definitions.
 */
import type { JsonObject } from './json.ts';
import type { ResourceDescriptor } from './openapi.ts';
import type { JSONSchemaProps } from './schema-props.ts';

const META_PREFIX = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const META = {
  objectMeta: `${META_PREFIX}.ObjectMeta`,
  listMeta: `${META_PREFIX}.ListMeta`,
  status: `${META_PREFIX}.Status`,
  deleteOptions: `${META_PREFIX}.DeleteOptions`,
  patch: `${META_PREFIX}.Patch`,
} as const;

const str = (description: string): JsonObject => ({ type: 'string', description });
const stringMap = (description: string): JsonObject => ({ type: 'object', description, additionalProperties: { type: 'string', default: '' } });
const looseObject: JsonObject = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

/** The meta component schemas every group-version document includes. */
export function metaComponents(): Record<string, JsonObject> {
  return {
    [META.objectMeta]: {
      type: 'object',
      description: 'ObjectMeta is metadata that all persisted resources must have.',
      properties: {
        name: str('Name must be unique within a namespace.'),
        generateName: str('An optional prefix used by the server to generate a unique name.'),
        namespace: str('Namespace defines the space within which each name must be unique.'),
        uid: str('UID is the unique in time and space value for this object.'),
        resourceVersion: str('An opaque value that represents the internal version of this object.'),
        generation: { type: 'integer', format: 'int64', description: 'A sequence number representing a specific generation of the desired state.' },
        creationTimestamp: { type: 'string', format: 'date-time', description: 'The server time when this object was created.' },
        deletionTimestamp: { type: 'string', format: 'date-time', description: 'RFC 3339 date and time at which this resource will be deleted.' },
        deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
        labels: stringMap('Map of string keys and values that can be used to organize and categorize objects.'),
        annotations: stringMap('Annotations is an unstructured key value map stored with a resource.'),
        finalizers: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
        ownerReferences: { type: 'array', items: looseObject, 'x-kubernetes-patch-merge-key': 'uid', 'x-kubernetes-patch-strategy': 'merge' },
        managedFields: { type: 'array', items: looseObject },
      },
    },
    [META.listMeta]: {
      type: 'object',
      description: 'ListMeta describes metadata that synthetic resources must have.',
      properties: { resourceVersion: str('The version of this list.'), continue: str('Token to fetch the next page.'), remainingItemCount: { type: 'integer', format: 'int64' } },
    },
    [META.status]: {
      type: 'object',
      description: 'Status is a return value for calls that do not return other objects.',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        code: { type: 'integer', format: 'int32' },
        details: looseObject,
        message: { type: 'string' },
        metadata: { allOf: [{ $ref: `#/components/schemas/${META.listMeta}` }], default: {} },
        reason: { type: 'string' },
        status: { type: 'string' },
      },
    },
    [META.deleteOptions]: {
      type: 'object',
      description: 'DeleteOptions may be provided when deleting an API object.',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        dryRun: { type: 'array', items: { type: 'string', default: '' } },
        gracePeriodSeconds: { type: 'integer', format: 'int64' },
        propagationPolicy: { type: 'string' },
        preconditions: looseObject,
      },
    },
    [META.patch]: { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' },
  };
}

const NAMESPACE: JSONSchemaProps = {
  type: 'object',
  description: 'Namespace provides a scope for Names.',
  properties: {
    spec: { type: 'object', properties: { finalizers: { type: 'array', items: { type: 'string' } } } },
    status: {
      type: 'object',
      properties: { phase: { type: 'string', enum: ['Active', 'Terminating'] }, conditions: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
    },
  },
};

const SECRET: JSONSchemaProps = {
  type: 'object',
  description: 'Secret holds secret data of a certain type.',
  properties: {
    data: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
    stringData: { type: 'object', additionalProperties: { type: 'string' } },
    type: { type: 'string' },
    immutable: { type: 'boolean' },
  },
};

const CONFIG_MAP: JSONSchemaProps = {
  type: 'object',
  description: 'ConfigMap holds configuration data for pods to consume.',
  properties: {
    data: { type: 'object', additionalProperties: { type: 'string' } },
    binaryData: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
    immutable: { type: 'boolean' },
  },
};

const LEASE: JSONSchemaProps = {
  type: 'object',
  description: 'Lease defines a lease concept.',
  properties: {
    spec: {
      type: 'object',
      properties: {
        holderIdentity: { type: 'string' },
        leaseDurationSeconds: { type: 'integer', format: 'int32' },
        acquireTime: { type: 'string', format: 'date-time' },
        renewTime: { type: 'string', format: 'date-time' },
        leaseTransitions: { type: 'integer', format: 'int32' },
        strategy: { type: 'string' },
        preferredHolder: { type: 'string' },
      },
    },
  },
};

/** Built-in schemas by `<group>/<Kind>` (core group is empty). */
export const CORE_SCHEMAS: Readonly<Record<string, JSONSchemaProps>> = {
  '/Namespace': NAMESPACE,
  '/Secret': SECRET,
  '/ConfigMap': CONFIG_MAP,
  'coordination.k8s.io/Lease': LEASE,
};

/** Namespace, Secret and ConfigMap (`api/v1`). */
export const CORE_V1_RESOURCES: readonly ResourceDescriptor[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, statusSubresource: true, schema: NAMESPACE, listKind: 'NamespaceList' },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, statusSubresource: false, schema: SECRET, listKind: 'SecretList' },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, statusSubresource: false, schema: CONFIG_MAP, listKind: 'ConfigMapList' },
];

/** Lease (`apis/coordination.k8s.io/v1`). */
export const COORDINATION_V1_RESOURCES: readonly ResourceDescriptor[] = [
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true, statusSubresource: false, schema: LEASE, listKind: 'LeaseList' },
];
