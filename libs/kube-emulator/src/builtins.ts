/**
 * The built-in kinds the emulator serves: Namespace, Secret, ConfigMap, ServiceAccount (core v1), Lease
 * (coordination.k8s.io/v1) and CustomResourceDefinition (apiextensions.k8s.io/v1), with their
 * kind-specific rules (Namespace defaults, Secret `stringData`, CRD validation and status); and,
 * stored as given, Service, Deployment, StatefulSet, PodDisruptionBudget, NetworkPolicy and RBAC.
 */
import { badRequest, forbiddenCause, invalid, invalidCause, normalizeCrd, validateCrd, type PrinterColumn } from './pure/index.ts';
import { deepEqual, isJsonObject, type KubeObject } from './object.ts';
import { apiVersionOf, type KindRules, type ResourceType } from './resource-type.ts';

const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

interface BuiltinSpec {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly statusSubresource?: boolean;
  readonly extraSubresources?: readonly string[];
  readonly printerColumns: readonly PrinterColumn[];
  readonly rules: Partial<KindRules>;
}

function builtin(spec: BuiltinSpec): ResourceType {
  return {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    plural: spec.plural,
    singular: spec.kind.toLowerCase(),
    shortNames: [...(spec.shortNames ?? [])],
    categories: [],
    namespaced: spec.namespaced,
    statusSubresource: spec.statusSubresource ?? false,
    schema: undefined,
    printerColumns: [...spec.printerColumns],
    listKind: `${spec.kind}List`,
    storage: true,
    builtin: true,
    storageKey: `${spec.group}/${spec.plural}`,
    apiVersion: apiVersionOf(spec.group, spec.version),
    extraSubresources: [...(spec.extraSubresources ?? [])],
    crdName: undefined,
    rules: {
      generation: false,
      allowUnconditionalUpdate: true,
      allowCreateOnUpdate: false,
      strategicMergePatch: true,
      selectableFields: {},
      ...spec.rules,
    },
  };
}

function normalizeNamespace(obj: KubeObject, old: KubeObject | undefined): KubeObject {
  const name = obj.metadata.name ?? '';
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
  const spec = isJsonObject(obj['spec']) ? obj['spec'] : {};
  if (!Array.isArray(spec['finalizers'])) spec['finalizers'] = old === undefined ? ['kubernetes'] : ((old['spec'] as { finalizers?: unknown } | undefined)?.finalizers ?? []);
  obj['spec'] = spec;
  if (old === undefined) obj['status'] = { phase: 'Active' };
  return obj;
}

function normalizeSecret(obj: KubeObject, old: KubeObject | undefined): KubeObject {
  const name = obj.metadata.name ?? '';
  const data: Record<string, unknown> = isJsonObject(obj['data']) ? { ...obj['data'] } : {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
      throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0 (data[${JSON.stringify(key)}])`);
    }
  }
  const stringData = obj['stringData'];
  if (isJsonObject(stringData)) {
    for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  delete obj['stringData'];
  if (Object.keys(data).length > 0) obj['data'] = data;
  else delete obj['data'];
  if (typeof obj['type'] !== 'string' || obj['type'] === '') obj['type'] = 'Opaque';
  if (old !== undefined && old['type'] !== obj['type']) {
    throw invalid('Secret', '', name, [invalidCause('type', obj['type'], 'field is immutable')]);
  }
  checkImmutableData('Secret', obj, old);
  return obj;
}

/** Secrets and ConfigMaps with `immutable: true` keep their data and stay immutable. */
function checkImmutableData(kind: string, obj: KubeObject, old: KubeObject | undefined): KubeObject {
  if (old?.['immutable'] !== true) return obj;
  const causes = [];
  if (obj['immutable'] !== true) causes.push(forbiddenCause('immutable', 'field is immutable when `immutable` is set'));
  for (const field of ['data', 'binaryData']) {
    if (!deepEqual(obj[field], old[field])) causes.push(forbiddenCause(field, 'field is immutable when `immutable` is set'));
  }
  if (causes.length > 0) throw invalid(kind, '', obj.metadata.name ?? '', causes);
  return obj;
}

function normalizeCustomResourceDefinition(obj: KubeObject, old: KubeObject | undefined, now: Date): KubeObject {
  const name = obj.metadata.name ?? '';
  const causes = validateCrd(obj);
  if (old !== undefined) {
    const spec = (o: KubeObject): Record<string, unknown> => (isJsonObject(o['spec']) ? o['spec'] : {});
    if (spec(old)['scope'] !== spec(obj)['scope']) causes.push(invalidCause('spec.scope', spec(obj)['scope'], 'field is immutable'));
  }
  if (causes.length > 0) throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', name, causes);
  return normalizeCrd(obj, now) as unknown as KubeObject;
}

/** The built-in resource types, in discovery order. */
export function builtinResourceTypes(): ResourceType[] {
  return [
    builtin({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      namespaced: true,
      shortNames: ['cm'],
      printerColumns: [age],
      rules: { normalize: (obj, old) => checkImmutableData('ConfigMap', obj, old) },
    }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'Namespace',
      plural: 'namespaces',
      namespaced: false,
      shortNames: ['ns'],
      statusSubresource: true,
      extraSubresources: ['finalize'],
      printerColumns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase' }, age],
      rules: {
        strategicMergePatch: true,
        selectableFields: { 'status.phase': (o) => String((o['status'] as { phase?: unknown } | undefined)?.phase ?? '') },
        normalize: normalizeNamespace,
        dnsLabelNames: true,
      },
    }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'Secret',
      plural: 'secrets',
      namespaced: true,
      printerColumns: [{ name: 'Type', type: 'string', jsonPath: '.type' }, age],
      rules: {
        selectableFields: { type: (o) => String(o['type'] ?? '') },
        normalize: normalizeSecret,
      },
    }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'ServiceAccount',
      plural: 'serviceaccounts',
      namespaced: true,
      shortNames: ['sa'],
      printerColumns: [age],
      rules: {},
    }),
    // Stored as given, without schemas or controllers: enough for `helm install` of the chart
    // (deploy/charts) and for manifests that name them; nothing runs them.
    builtin({ group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'], printerColumns: [age], rules: { } }),
    builtin({ group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], statusSubresource: true, printerColumns: [age], rules: { generation: true, } }),
    builtin({ group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, shortNames: ['sts'], statusSubresource: true, printerColumns: [age], rules: { generation: true, } }),
    builtin({ group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true, shortNames: ['pdb'], statusSubresource: true, printerColumns: [age], rules: { generation: true, } }),
    builtin({ group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true, shortNames: ['netpol'], printerColumns: [age], rules: { generation: true, } }),
    builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', namespaced: true, shortNames: [], printerColumns: [age], rules: { } }),
    builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', namespaced: true, shortNames: [], printerColumns: [age], rules: { } }),
    builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', namespaced: false, shortNames: [], printerColumns: [age], rules: { } }),
    builtin({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false, shortNames: [], printerColumns: [age], rules: { } }),
    builtin({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      kind: 'CustomResourceDefinition',
      plural: 'customresourcedefinitions',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      statusSubresource: true,
      printerColumns: [{ name: 'Created At', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
      rules: { generation: true, allowUnconditionalUpdate: false, normalize: normalizeCustomResourceDefinition },
    }),
    builtin({
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
      plural: 'leases',
      namespaced: true,
      printerColumns: [{ name: 'Holder', type: 'string', jsonPath: '.spec.holderIdentity' }, age],
      rules: { allowCreateOnUpdate: true },
    }),
  ];
}
