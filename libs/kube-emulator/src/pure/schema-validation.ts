/**
 * Validation of a value against a CRD's structural schema, with the causes apiextensions-apiserver
 * produces from kube-openapi's validator (messages `<path> in body should ...`, reasons
 * `FieldValueInvalid`, `FieldValueRequired`, ...). Every violation is collected.
 */
import {
  invalidCause,
  notSupportedCause,
  requiredCause,
  tooLongCause,
  tooManyCause,
  typeInvalidCause,
} from './field-errors.ts';
import { canonicalJson, deepEqual, isObject } from './json.ts';
import type { StatusCause } from './status-error.ts';
import { additionalSchema, childPath, indexPath, itemsSchema, type JSONSchemaProps } from './schema-props.ts';

/** Validates `value` against `schema`; `path` prefixes every field (empty at a resource root). */
export function validate(value: unknown, schema: JSONSchemaProps, path = ''): StatusCause[] {
  const causes: StatusCause[] = [];
  validateNode(value, schema, path, causes);
  return causes;
}

/** The JSON type name kube-openapi reports for a decoded value. */
function jsonTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function expectedTypes(schema: JSONSchemaProps): string[] {
  if (schema['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  return schema.type ? [schema.type] : [];
}

function validateNode(value: unknown, schema: JSONSchemaProps, path: string, causes: StatusCause[]): void {
  const types = expectedTypes(schema);
  if (value === null || value === undefined) {
    if (types.length > 0 && schema.nullable !== true) {
      causes.push(typeInvalidCause(path, 'null', `${path} in body must be of type ${types.join(',')}: "null"`));
    }
    return;
  }
  const actual = jsonTypeOf(value);
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    causes.push(typeInvalidCause(path, actual, `${path} in body must be of type ${types.join(',')}: ${JSON.stringify(actual)}`));
    return;
  }
  if (schema.enum !== undefined && !schema.enum.some((allowed) => deepEqual(allowed, value))) {
    const allowed = schema.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    causes.push(notSupportedCause(path, value, allowed));
  }
  if (typeof value === 'string') validateString(value, schema, path, causes);
  else if (typeof value === 'number') validateNumber(value, schema, path, causes);
  else if (Array.isArray(value)) validateArray(value, schema, path, causes);
  else if (isObject(value)) validateObject(value, schema, path, causes);
  validateCombinators(value, schema, path, causes);
}

const patternCache = new Map<string, RegExp | null>();
function compiledPattern(pattern: string): RegExp | null {
  let compiled = patternCache.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(pattern, 'u');
    } catch {
      compiled = null;
    }
    patternCache.set(pattern, compiled);
  }
  return compiled;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const STRING_FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))),
  date: (s) => DATE.test(s) && !Number.isNaN(Date.parse(s)),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  byte: (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0,
};

function validateString(value: string, schema: JSONSchemaProps, path: string, causes: StatusCause[]): void {
  const length = [...value].length;
  if (schema.maxLength !== undefined && length > schema.maxLength) causes.push(tooLongCause(path, schema.maxLength));
  if (schema.minLength !== undefined && length < schema.minLength) {
    causes.push(invalidCause(path, value, `${path} in body should be at least ${schema.minLength} chars long`));
  }
  if (schema.pattern !== undefined && compiledPattern(schema.pattern)?.test(value) === false) {
    causes.push(invalidCause(path, value, `${path} in body should match '${schema.pattern}'`));
  }
  const check = schema.format === undefined ? undefined : STRING_FORMATS[schema.format];
  if (check !== undefined && !check(value)) {
    causes.push(typeInvalidCause(path, value, `${path} in body must be of type ${schema.format}: ${JSON.stringify(value)}`));
  }
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

function validateNumber(value: number, schema: JSONSchemaProps, path: string, causes: StatusCause[]): void {
  if (schema.maximum !== undefined) {
    const exclusive = schema.exclusiveMaximum === true;
    if (exclusive ? value >= schema.maximum : value > schema.maximum) {
      causes.push(invalidCause(path, value, `${path} in body should be less than ${exclusive ? '' : 'or equal to '}${schema.maximum}`));
    }
  }
  if (schema.minimum !== undefined) {
    const exclusive = schema.exclusiveMinimum === true;
    if (exclusive ? value <= schema.minimum : value < schema.minimum) {
      causes.push(invalidCause(path, value, `${path} in body should be greater than ${exclusive ? '' : 'or equal to '}${schema.minimum}`));
    }
  }
  if (schema.multipleOf !== undefined && schema.multipleOf > 0) {
    const quotient = value / schema.multipleOf;
    if (Math.abs(quotient - Math.round(quotient)) > 1e-9) {
      causes.push(invalidCause(path, value, `${path} in body should be a multiple of ${schema.multipleOf}`));
    }
  }
  const outOfRange =
    (schema.format === 'int32' && (!Number.isInteger(value) || value < INT32.min || value > INT32.max)) ||
    (schema.format === 'int64' && !Number.isInteger(value));
  if (outOfRange) causes.push(typeInvalidCause(path, value, `${path} in body must be of type ${schema.format}: ${JSON.stringify(String(value))}`));
}

function validateArray(value: unknown[], schema: JSONSchemaProps, path: string, causes: StatusCause[]): void {
  const items = itemsSchema(schema);
  if (items !== undefined) value.forEach((item, i) => validateNode(item, items, indexPath(path, i), causes));
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    causes.push(invalidCause(path, value.length, `${path} in body should have at least ${schema.minItems} items`));
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) causes.push(tooManyCause(path, value.length, schema.maxItems));
  if (schema.uniqueItems === true && new Set(value.map(canonicalJson)).size !== value.length) {
    causes.push(invalidCause(path, '', `${path} in body shouldn't contain duplicates`));
  }
}

function validateObject(value: Record<string, unknown>, schema: JSONSchemaProps, path: string, causes: StatusCause[]): void {
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(value, name)) causes.push(requiredCause(childPath(path, name)));
  }
  const additional = additionalSchema(schema);
  for (const [key, child] of Object.entries(value)) {
    const property = schema.properties?.[key];
    if (property !== undefined) validateNode(child, property, childPath(path, key), causes);
    else if (additional !== undefined) validateNode(child, additional, childPath(path, key), causes);
    else if (schema.additionalProperties === false && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
      causes.push(invalidCause(path, key, `${childPath(path, key)} in body is a forbidden property`));
    }
  }
  const count = Object.keys(value).length;
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    causes.push(invalidCause(path, count, `${path} in body should have at least ${schema.minProperties} properties`));
  }
  if (schema.maxProperties !== undefined && count > schema.maxProperties) causes.push(tooManyCause(path, count, schema.maxProperties));
}

function validateCombinators(value: unknown, schema: JSONSchemaProps, path: string, causes: StatusCause[]): void {
  for (const sub of schema.allOf ?? []) validateNode(value, sub, path, causes);
  const passes = (sub: JSONSchemaProps): boolean => validate(value, sub, path).length === 0;
  if (schema.anyOf !== undefined && !schema.anyOf.some(passes)) {
    causes.push(invalidCause(path, '', `${path} in body must validate at least one schema (anyOf)`));
  }
  if (schema.oneOf !== undefined && schema.oneOf.filter(passes).length !== 1) {
    causes.push(invalidCause(path, '', `${path} in body must validate one and only one schema (oneOf)`));
  }
  if (schema.not !== undefined && passes(schema.not)) {
    causes.push(invalidCause(path, '', `${path} in body must not validate the schema (not)`));
  }
}
