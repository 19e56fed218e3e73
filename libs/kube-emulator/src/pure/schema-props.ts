/**
 * The `JSONSchemaProps` type of a CRD's `openAPIV3Schema` and the small helpers every schema walk
 * needs (child paths in the `field.Path` form, the items / additionalProperties schema).
 */
import { isObject } from './json.ts';

export interface JSONSchemaProps {
  type?: string;
  format?: string;
  title?: string;
  description?: string;
  default?: unknown;
  example?: unknown;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps | JSONSchemaProps[];
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: unknown[];
  [extension: `x-${string}`]: unknown;
}

/** Child path the way `field.Path` prints it. */
export function childPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** The schema that governs items of an array (the first one for a tuple form). */
export function itemsSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  const items = schema.items;
  if (Array.isArray(items)) return items[0];
  return items;
}

/** The schema for a key that is not in `properties` (undefined when there is none). */
export function additionalSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  const additional = schema.additionalProperties;
  if (additional === true) return { 'x-kubernetes-preserve-unknown-fields': true };
  return isObject(additional) ? (additional as JSONSchemaProps) : undefined;
}
