/**
 * Field errors the way k8s.io/apimachinery/pkg/util/validation/field renders them: each cause
 * carries `reason` (the CauseType), `field` (`spec.x[0].y`) and `message` (`ErrorBody()`, e.g.
 * `Invalid value: 25: spec.x in body should be less than or equal to 20`).
 */
import { isObject } from './json.ts';
import type { StatusCause } from './status-error.ts';

export const CauseReason = {
  Required: 'FieldValueRequired',
  NotFound: 'FieldValueNotFound',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
  TypeInvalid: 'FieldValueTypeInvalid',
} as const;
export type CauseReason = (typeof CauseReason)[keyof typeof CauseReason];

/** Go's `%#v` for a decoded JSON value (used for maps and slices inside error bodies). */
export function goSyntax(value: unknown): string {
  if (value === null || value === undefined) return 'interface {}(nil)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSyntax).join(', ')}}`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goSyntax(value[k])}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  return String(value);
}

/** The bad value as `field.Error.ErrorBody()` prints it: strings quoted, scalars bare, null as "null". */
export function formatBadValue(value: unknown): string {
  if (value === null || value === undefined) return '"null"';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return goSyntax(value);
}

function cause(reason: CauseReason, field: string, message: string): StatusCause {
  return { reason, message, field };
}

function withDetail(head: string, detail: string | undefined): string {
  return detail ? `${head}: ${detail}` : head;
}

export function requiredCause(field: string, detail?: string): StatusCause {
  return cause(CauseReason.Required, field, withDetail('Required value', detail));
}

export function invalidCause(field: string, value: unknown, detail?: string): StatusCause {
  return cause(CauseReason.Invalid, field, withDetail(`Invalid value: ${formatBadValue(value)}`, detail));
}

export function typeInvalidCause(field: string, value: unknown, detail?: string): StatusCause {
  return cause(CauseReason.TypeInvalid, field, withDetail(`Invalid value: ${formatBadValue(value)}`, detail));
}

export function notSupportedCause(field: string, value: unknown, validValues: readonly string[]): StatusCause {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map((v) => JSON.stringify(v)).join(', ')}` : undefined;
  return cause(CauseReason.NotSupported, field, withDetail(`Unsupported value: ${formatBadValue(value)}`, detail));
}

export function duplicateCause(field: string, value: unknown): StatusCause {
  return cause(CauseReason.Duplicate, field, `Duplicate value: ${formatBadValue(value)}`);
}

export function forbiddenCause(field: string, detail: string): StatusCause {
  return cause(CauseReason.Forbidden, field, withDetail('Forbidden', detail));
}

export function tooLongCause(field: string, maxLength: number): StatusCause {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return cause(CauseReason.TooLong, field, withDetail('Too long', detail));
}

export function tooManyCause(field: string, actual: number, max: number): StatusCause {
  return cause(CauseReason.TooMany, field, `Too many: ${actual}: must have at most ${max} items`);
}

/** `field.Error.Error()`: `<field>: <message>` (just the message when there is no field). */
export function causeToString(c: StatusCause): string {
  return c.field ? `${c.field}: ${c.message}` : c.message;
}

/** `utilerrors.NewAggregate(errs).Error()`: one message as is, several as `[a, b]`, duplicates dropped. */
export function aggregateMessage(causes: readonly StatusCause[]): string {
  const messages = [...new Set(causes.map(causeToString))];
  if (messages.length === 1) return messages[0] ?? '';
  return `[${messages.join(', ')}]`;
}
