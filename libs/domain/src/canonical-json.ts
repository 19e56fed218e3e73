/**
 * Canonical JSON: object keys sorted (UTF-16 code unit order), no whitespace, `undefined` members
 * dropped, as `JSON.stringify` would. Two JSON values that are equal except for key order give the
 * same string.
 */
import { InvalidPayloadError } from './errors/invalid-payload-error.ts';

export function toCanonicalJson(value: unknown): string {
  return render(value, new Set());
}

function render(value: unknown, ancestors: Set<object>): string {
  if (value === null) return 'null';
  const type = typeof value;
  switch (type) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value === true ? 'true' : 'false';
    case 'bigint':
      return String(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
    case 'object':
      return renderObject(value as object, ancestors);
    default: {
      const _exhaustive: never = type;
      return 'null';
    }
  }
}

function renderObject(value: object, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new InvalidPayloadError('cannot canonicalise a cyclic value');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item: unknown) => render(item, ancestors)).join(',')}]`;
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      members.push(`${JSON.stringify(key)}:${render(member, ancestors)}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}
