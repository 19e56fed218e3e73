/**
 * Parsing at the boundary: zod schemas applied to untrusted JSON, returning a result instead of
 * throwing. Failure messages name the field path and what was expected, never the offending value
 * (a value could be a credential).
 */
import type { z } from 'zod';

export interface ParseIssue {
  /** Field path, e.g. `spec.clusters[2]` or `metadata.annotations["meta.helm.sh/release-name"]`. */
  readonly path: string;
  /** What was wrong, without the offending value (e.g. `expected string, received number`). */
  readonly problem: string;
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string; readonly issues: readonly ParseIssue[] };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Renders a zod issue path as `a.b[0]["odd.key"]`; the empty path is `(root)`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out === '' ? '(root)' : out;
}

type ZodIssue = z.core.$ZodIssue;

/** Describes an issue from its code and expectations only: zod's own messages stay out. */
function describeProblem(issue: ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const received = typeNameAt(input, issue.path);
      return received === 'undefined' ? `required ${issue.expected}, missing` : `expected ${issue.expected}, received ${received}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join('|')}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'invalid_format':
      return `expected ${issue.format} format`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `unexpected keys ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_key':
      return 'invalid key';
    case 'invalid_element':
      return 'invalid element';
    case 'invalid_union':
      return 'does not match any accepted shape';
    case 'custom':
      return issue.message;
    default: {
      const _exhaustive: never = issue;
      return 'invalid';
    }
  }
}

/** The JSON type name found at `path` inside `input` (`undefined` when absent). */
function typeNameAt(input: unknown, path: readonly PropertyKey[]): string {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return 'undefined';
    current = Object.hasOwn(current, segment) ? (current as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  if (current === null) return 'null';
  if (Array.isArray(current)) return 'array';
  return typeof current;
}

/** Turns zod issues into `ParseIssue`s (value-free). */
export function toParseIssues(issues: readonly ZodIssue[], input: unknown): ParseIssue[] {
  return issues.map((issue) => ({ path: formatIssuePath(issue.path), problem: describeProblem(issue, input) }));
}

/** `invalid <what>: <path>: <problem>; <path>: <problem>` (at most five issues listed). */
export function formatParseIssues(what: string, issues: readonly ParseIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.problem}`);
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  return `invalid ${what}: ${shown.join('; ')}${more}`;
}

/**
 * Parses `input` with `schema`. Never throws: a failure carries a message naming the field paths
 * (`invalid GSLBConfig: spec.refreshInterval: expected int, received string`).
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): ParseResult<z.output<S>> {
  let result: z.ZodSafeParseResult<z.output<S>>;
  try {
    result = schema.safeParse(input);
  } catch (_err) {
    // Only exotic inputs (throwing getters, proxies) get here; JSON never does.
    const issues = [{ path: '(root)', problem: 'could not be read' }];
    return { ok: false, message: formatParseIssues(what, issues), issues };
  }
  if (result.success) return { ok: true, value: result.data };
  const issues = toParseIssues(result.error.issues, input);
  return { ok: false, message: formatParseIssues(what, issues), issues };
}
