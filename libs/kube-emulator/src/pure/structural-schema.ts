/**
 * The OpenAPI v3 structural schema of a CRD version (`schema.openAPIV3Schema`): pruning of
 * unknown fields, defaulting, and the structural-schema check. Validation lives in
 * schema-validation.ts and is re-exported here. Field paths follow Kubernetes: `spec.a[0].b`.
 */
import { causeToString, forbiddenCause, invalidCause, notSupportedCause, requiredCause } from './field-errors.ts';
import { clone, isObject } from './json.ts';
import { additionalSchema, childPath, indexPath, itemsSchema, type JSONSchemaProps } from './schema-props.ts';

import type { StatusCause } from './status-error.ts';

export type { JSONSchemaProps } from './schema-props.ts';
export { validate } from './schema-validation.ts';

const RESOURCE_ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Drops fields the schema does not know (unless `x-kubernetes-preserve-unknown-fields`), like the
 * API server does on every write. At a resource root (default) and inside embedded resources,
 * `apiVersion`, `kind` and `metadata` are kept untouched. Returns a new value and the dotted paths
 * of what was dropped (`spec.foo`, `spec.list[0].bar`), for `fieldValidation=Strict|Warn`.
 */
export function prune(value: unknown, schema: JSONSchemaProps, opts?: { isRoot?: boolean }): { value: unknown; unknownFields: string[] } {
  const unknownFields: string[] = [];
  const copy = clone(value);
  pruneInPlace(copy, schema, '', opts?.isRoot ?? true, unknownFields);
  return { value: copy, unknownFields };
}

function pruneInPlace(value: unknown, schema: JSONSchemaProps | undefined, path: string, isResourceRoot: boolean, unknown: string[]): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    const items = itemsSchema(schema);
    value.forEach((item, i) => pruneInPlace(item, items, indexPath(path, i), false, unknown));
    return;
  }
  if (!isObject(value)) return;
  const embedded = isResourceRoot || schema['x-kubernetes-embedded-resource'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const additional = additionalSchema(schema);
  for (const key of Object.keys(value)) {
    const fieldPath = childPath(path, key);
    // apiVersion, kind and metadata of a resource follow the ObjectMeta/TypeMeta rules, not the schema.
    if (embedded && RESOURCE_ROOT_FIELDS.has(key)) continue;
    const property = schema.properties?.[key];
    if (property !== undefined) pruneInPlace(value[key], property, fieldPath, false, unknown);
    else if (additional !== undefined) pruneInPlace(value[key], additional, fieldPath, false, unknown);
    else if (!preserve) {
      delete value[key];
      unknown.push(fieldPath);
    }
  }
}

/**
 * Sets `default` values for missing properties (and for `null` where the property is not
 * nullable), recursively, including inside array items and defaulted values; then drops the
 * remaining non-nullable `null`s that have no default (apiextensions'
 * `PruneNonNullableNullsWithoutDefaults`). Returns a new value.
 */
export function applyDefaults(value: unknown, schema: JSONSchemaProps): unknown {
  const copy = clone(value);
  defaultInPlace(copy, schema);
  dropNonNullableNulls(copy, schema);
  return copy;
}

function dropNonNullableNulls(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    const items = itemsSchema(schema);
    for (const item of value) dropNonNullableNulls(item, items);
    return;
  }
  if (!isObject(value)) return;
  const additional = additionalSchema(schema);
  for (const [key, child] of Object.entries(value)) {
    const property = schema.properties?.[key] ?? additional;
    if (property === undefined) continue;
    if (child === null && property.type !== undefined && property.nullable !== true && property.default === undefined) delete value[key];
    else dropNonNullableNulls(child, property);
  }
}

function defaultInPlace(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (schema === undefined) return;
  if (Array.isArray(value)) {
    const items = itemsSchema(schema);
    for (const item of value) defaultInPlace(item, items);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (property.default === undefined) continue;
    const current = value[key];
    if (current === undefined || (current === null && property.nullable !== true)) value[key] = clone(property.default);
  }
  const additional = additionalSchema(schema);
  for (const [key, child] of Object.entries(value)) {
    const property = schema.properties?.[key];
    if (property !== undefined) defaultInPlace(child, property);
    else if (additional !== undefined) defaultInPlace(child, additional);
  }
}

const KNOWN_TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/**
 * The reasons a schema is not structural (empty when it is), as `<path>: <problem>` with paths in
 * the apiextensions form (`properties[spec].properties[x].type`). Checks: a known `type` on every
 * specified node except where `x-kubernetes-int-or-string` or `x-kubernetes-preserve-unknown-fields`
 * is true, `object` at the root, `items` for arrays, no `properties` together with
 * `additionalProperties`, `x-kubernetes-preserve-unknown-fields` only true.
 */
export function isStructural(schema: JSONSchemaProps, path = ''): string[] {
  return structuralCauses(schema, path).map(causeToString);
}

/** The same problems as `isStructural`, as field causes (for a CRD's 422). */
export function structuralCauses(schema: JSONSchemaProps, path = ''): StatusCause[] {
  if (!isObject(schema)) return [requiredCause(path, 'must be a schema object')];
  const causes: StatusCause[] = [];
  if (schema.type !== 'object') causes.push(invalidCause(childPath(path, 'type'), schema.type ?? '', 'must be object at the root'));
  checkNode(schema, path, true, causes);
  return causes;
}

function checkNode(schema: JSONSchemaProps, path: string, isRoot: boolean, causes: StatusCause[]): void {
  const at = (name: string): string => childPath(path, name);
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'];
  if (preserve !== undefined && preserve !== true) {
    causes.push(invalidCause(at('x-kubernetes-preserve-unknown-fields'), preserve, 'must be true or undefined'));
  }
  if (!isRoot) {
    if (schema.type === undefined || schema.type === '') {
      if (!intOrString && preserve !== true) causes.push(requiredCause(at('type'), 'must not be empty for specified object fields'));
    } else if (!KNOWN_TYPES.has(schema.type)) {
      causes.push(notSupportedCause(at('type'), schema.type, [...KNOWN_TYPES]));
    } else if (intOrString) {
      causes.push(invalidCause(at('type'), schema.type, 'must be empty if x-kubernetes-int-or-string is true'));
    }
  }
  if (schema.properties !== undefined && schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
    causes.push(forbiddenCause(at('additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
  }
  if (schema.type === 'array' && schema.items === undefined) causes.push(requiredCause(at('items'), 'must be specified'));
  if (Array.isArray(schema.items)) causes.push(forbiddenCause(at('items'), 'items must be a schema object and not an array'));
  for (const [name, child] of Object.entries(schema.properties ?? {})) checkNode(child, childPath(path, `properties[${name}]`), false, causes);
  const additional = schema.additionalProperties;
  if (isObject(additional)) checkNode(additional as JSONSchemaProps, at('additionalProperties'), false, causes);
  const items = schema.items;
  if (isObject(items)) checkNode(items as JSONSchemaProps, at('items'), false, causes);
}
