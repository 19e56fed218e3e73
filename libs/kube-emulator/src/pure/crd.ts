/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1): validation on create/update, the defaults and
 * status the API server fills in, and the resources a CRD serves (one per served version).
 */
import { CauseReason, duplicateCause, goSyntax, invalidCause, notSupportedCause, requiredCause } from './field-errors.ts';
import { clone, isObject } from './json.ts';
import { validateDnsLabelName } from './names.ts';
import type { JSONSchemaProps } from './schema-props.ts';
import type { StatusCause } from './status-error.ts';
import { structuralCauses } from './structural-schema.ts';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface CrdNames {
  kind: string;
  plural: string;
  singular: string;
  listKind: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: Record<string, unknown>; scale?: Record<string, unknown> };
  additionalPrinterColumns?: PrinterColumn[];
  selectableFields?: { jsonPath: string }[];
}

export interface CrdCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface CrdObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: unknown };
  spec: {
    group: string;
    names: CrdNames;
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
    conversion?: { strategy: string; [k: string]: unknown };
    preserveUnknownFields?: boolean;
  };
  status: {
    acceptedNames: Omit<CrdNames, 'listKind'> & { listKind: string };
    storedVersions: string[];
    conditions: CrdCondition[];
  };
}

/** One (group, version, resource) a CRD serves. */
export interface ServedResource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  statusSubresource: boolean;
  schema: JSONSchemaProps | undefined;
  printerColumns: PrinterColumn[];
  listKind: string;
  storage: boolean;
}

const SCOPES = ['Cluster', 'Namespaced'];
const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});

/** The 422 causes for an invalid CRD (empty when it is acceptable), with apiextensions' fields and messages. */
export function validateCrd(crd: unknown): StatusCause[] {
  const causes: StatusCause[] = [];
  const root = obj(crd);
  const spec = obj(root['spec']);
  const names = obj(spec['names']);
  const name = str(obj(root['metadata'])['name']);
  const group = str(spec['group']);
  const plural = str(names['plural']);

  if (name === undefined) causes.push(requiredCause('metadata.name', 'name or generateName is required'));
  else if (group !== undefined && plural !== undefined && name !== `${plural}.${group}`) {
    causes.push(invalidCause('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  if (!isObject(root['spec'])) causes.push(requiredCause('spec'));
  if (group === undefined) causes.push(requiredCause('spec.group'));
  else if (!group.includes('.')) causes.push(invalidCause('spec.group', group, 'should be a domain with at least one dot'));

  const scope = spec['scope'];
  if (scope === undefined || scope === '') causes.push(requiredCause('spec.scope'));
  else if (typeof scope !== 'string' || !SCOPES.includes(scope)) causes.push(notSupportedCause('spec.scope', scope, SCOPES));

  causes.push(...validateNames(names));
  causes.push(...validateVersions(spec['versions']));
  return causes;
}

function validateNames(names: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  const plural = str(names['plural']);
  const kind = str(names['kind']);
  if (plural === undefined) causes.push(requiredCause('spec.names.plural'));
  else {
    const problem = validateDnsLabelName(plural);
    if (problem !== undefined) causes.push(invalidCause('spec.names.plural', plural, problem));
  }
  const singular = str(names['singular']);
  if (singular !== undefined) {
    const problem = validateDnsLabelName(singular);
    if (problem !== undefined) causes.push(invalidCause('spec.names.singular', singular, problem));
  }
  if (kind === undefined) causes.push(requiredCause('spec.names.kind'));
  const listKind = str(names['listKind']);
  if (listKind !== undefined && listKind === kind) causes.push(invalidCause('spec.names.listKind', listKind, 'kind and listKind may not be the same'));
  return causes;
}

function validateVersions(versionsValue: unknown): StatusCause[] {
  const versions = Array.isArray(versionsValue) ? versionsValue.map(obj) : [];
  if (versions.length === 0) return [requiredCause('spec.versions', 'must have exactly one version marked as storage version')];
  const causes: StatusCause[] = [];
  const storageCount = versions.filter((v) => v['storage'] === true).length;
  if (storageCount !== 1) {
    const message = `Invalid value: ${goSyntax(versions.map((v) => v['name'] ?? ''))}: must have exactly one version marked as storage version`;
    causes.push({ reason: CauseReason.Invalid, field: 'spec.versions', message });
  }
  const seen = new Set<string>();
  versions.forEach((version, i) => {
    const at = `spec.versions[${i}]`;
    const versionName = str(version['name']);
    if (versionName === undefined) causes.push(requiredCause(`${at}.name`));
    else if (seen.has(versionName)) causes.push(duplicateCause(`${at}.name`, versionName));
    else seen.add(versionName);
    const schema = obj(version['schema'])['openAPIV3Schema'];
    if (!isObject(schema)) causes.push(requiredCause(`${at}.schema.openAPIV3Schema`, 'schemas are required'));
    else causes.push(...structuralCauses(schema as JSONSchemaProps, `${at}.schema.openAPIV3Schema`));
    const columns = Array.isArray(version['additionalPrinterColumns']) ? version['additionalPrinterColumns'].map(obj) : [];
    columns.forEach((column, j) => {
      const colAt = `${at}.additionalPrinterColumns[${j}]`;
      if (str(column['name']) === undefined) causes.push(requiredCause(`${colAt}.name`));
      if (str(column['jsonPath']) === undefined) causes.push(requiredCause(`${colAt}.jsonPath`));
      const type = column['type'];
      if (str(type) === undefined) causes.push(requiredCause(`${colAt}.type`));
      else if (!COLUMN_TYPES.includes(type as string)) causes.push(notSupportedCause(`${colAt}.type`, type, COLUMN_TYPES));
    });
  });
  return causes;
}

/** RFC 3339 with whole seconds, the way Kubernetes writes `metav1.Time`. */
export function rfc3339(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A validated CRD with the server's defaults (`singular`, `listKind`, `conversion`) and status
 * (`acceptedNames`, `storedVersions`, `NamesAccepted` and `Established` conditions). Transition
 * times already present for a condition in the same state are kept.
 */
export function normalizeCrd(crd: unknown, now: Date): CrdObject {
  const out = clone(crd) as CrdObject;
  out.apiVersion = 'apiextensions.k8s.io/v1';
  out.kind = 'CustomResourceDefinition';
  const names = out.spec.names;
  names.singular = str(names.singular) ?? names.kind.toLowerCase();
  names.listKind = str(names.listKind) ?? `${names.kind}List`;
  out.spec.conversion ??= { strategy: 'None' };
  out.spec.versions = out.spec.versions.map((v) => ({ ...v, served: v.served === true, storage: v.storage === true }));

  const previous = isObject(out.status) ? out.status : undefined;
  const storage = out.spec.versions.find((v) => v.storage)?.name;
  const stored = Array.isArray(previous?.storedVersions) ? previous.storedVersions.filter((v) => typeof v === 'string') : [];
  if (storage !== undefined && !stored.includes(storage)) stored.push(storage);
  const time = rfc3339(now);
  const condition = (type: string, reason: string, message: string): CrdCondition => {
    const old = Array.isArray(previous?.conditions) ? previous.conditions.find((c) => c.type === type && c.status === 'True') : undefined;
    return { type, status: 'True', reason, message, lastTransitionTime: str(old?.lastTransitionTime) ?? time };
  };
  const acceptedNames: CrdObject['status']['acceptedNames'] = { plural: names.plural, singular: names.singular, kind: names.kind, listKind: names.listKind };
  if (names.shortNames !== undefined) acceptedNames.shortNames = [...names.shortNames];
  if (names.categories !== undefined) acceptedNames.categories = [...names.categories];
  out.status = {
    acceptedNames,
    storedVersions: stored,
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
  };
  return out;
}

/** One entry per served version of a normalized CRD. */
export function servedResourcesOf(crd: CrdObject): ServedResource[] {
  const { group, names, scope } = crd.spec;
  return crd.spec.versions
    .filter((v) => v.served)
    .map((v) => ({
      group,
      version: v.name,
      kind: names.kind,
      plural: names.plural,
      singular: str(names.singular) ?? names.kind.toLowerCase(),
      shortNames: [...(names.shortNames ?? [])],
      categories: [...(names.categories ?? [])],
      namespaced: scope === 'Namespaced',
      statusSubresource: isObject(v.subresources) && v.subresources.status !== undefined && v.subresources.status !== null,
      schema: v.schema?.openAPIV3Schema,
      printerColumns: (v.additionalPrinterColumns ?? []).map((c) => ({ ...c })),
      listKind: str(names.listKind) ?? `${names.kind}List`,
      storage: v.storage,
    }));
}
