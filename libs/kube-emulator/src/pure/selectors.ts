/**
 * Label selectors (`app=x,tier!=db,env in (a,b),!legacy,release`) and field selectors
 * (`metadata.name=x`) with the grammar of k8s.io/apimachinery's `labels.Parse` and
 * `fields.ParseSelector`. Malformed input is a 400.
 */
import { badRequest } from './status-error.ts';

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;
export type FieldMatcher = (fields: Record<string, string>) => boolean;

type Token =
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '>' | '<' | '(' | ')' | ',' }
  | { kind: 'end'; text: '' };

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === '!') {
      const two = input.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c });
        i++;
      }
    } else if (SPECIAL.has(c)) {
      tokens.push({ kind: 'op', text: c as '(' | ')' | ',' | '>' | '<' });
      i++;
    } else {
      let j = i;
      while (j < input.length && !SPECIAL.has(input[j] ?? '') && !/\s/.test(input[j] ?? '')) j++;
      tokens.push({ kind: 'id', text: input.slice(i, j) });
      i = j;
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `key` is not a valid label key (qualified name with an optional DNS prefix), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `invalid label key "${key}": a qualified name must consist of alphanumeric characters, '-', '_' or '.'`;
  const [prefix, name] = parts.length === 2 ? [parts[0] ?? '', parts[1] ?? ''] : [undefined, parts[0] ?? ''];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `invalid label key "${key}": prefix part must be a lowercase RFC 1123 subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}

function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    return `invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}

class SelectorSyntaxError extends Error {
  readonly code = 'SelectorSyntax';
}

type Requirement = (labels: Record<string, string>) => boolean;

class LabelParser {
  private position = 0;
  private readonly tokens: Token[];

  constructor(input: string) {
    this.tokens = tokenize(input);
  }

  private peek(): Token {
    return this.tokens[this.position] ?? { kind: 'end', text: '' };
  }

  private next(): Token {
    const token = this.peek();
    this.position++;
    return token;
  }

  private fail(found: Token, expected: string): never {
    throw new SelectorSyntaxError(`found '${found.text}', expected: ${expected}`);
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    if (this.peek().kind === 'end') return requirements;
    for (;;) {
      requirements.push(this.requirement());
      const token = this.next();
      if (token.kind === 'end') return requirements;
      if (token.text !== ',') this.fail(token, "',' or 'end of string'");
    }
  }

  private key(): string {
    const token = this.next();
    if (token.kind !== 'id') this.fail(token, 'identifier');
    const problem = labelKeyProblem(token.text);
    if (problem) throw new SelectorSyntaxError(problem);
    return token.text;
  }

  private value(allowEmpty: boolean): string {
    const token = this.peek();
    if (token.kind !== 'id') {
      if (allowEmpty) return '';
      this.fail(token, 'identifier');
    }
    this.next();
    const problem = labelValueProblem(token.text);
    if (problem) throw new SelectorSyntaxError(problem);
    return token.text;
  }

  private requirement(): Requirement {
    if (this.peek().text === '!') {
      this.next();
      const key = this.key();
      return (labels) => !Object.hasOwn(labels, key);
    }
    const key = this.key();
    const op = this.peek();
    if (op.kind === 'end' || op.text === ',') return (labels) => Object.hasOwn(labels, key);
    this.next();
    if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
      const values = this.valueSet();
      return op.text === 'in'
        ? (labels) => Object.hasOwn(labels, key) && values.has(labels[key] ?? '')
        : (labels) => !Object.hasOwn(labels, key) || !values.has(labels[key] ?? '');
    }
    if (op.text === '=' || op.text === '==') {
      const value = this.value(true);
      return (labels) => Object.hasOwn(labels, key) && labels[key] === value;
    }
    if (op.text === '!=') {
      const value = this.value(true);
      return (labels) => !Object.hasOwn(labels, key) || labels[key] !== value;
    }
    if (op.text === '>' || op.text === '<') {
      const token = this.next();
      if (token.kind !== 'id' || !/^-?\d+$/.test(token.text)) this.fail(token, 'an integer value');
      const bound = Number(token.text);
      return (labels) => {
        const raw = labels[key];
        if (raw === undefined || !/^-?\d+$/.test(raw)) return false;
        return op.text === '>' ? Number(raw) > bound : Number(raw) < bound;
      };
    }
    return this.fail(op, "'=', '!=', '==', 'in', 'notin', '>' or '<'");
  }

  private valueSet(): Set<string> {
    const open = this.next();
    if (open.text !== '(') this.fail(open, "'('");
    const values = new Set<string>();
    for (;;) {
      values.add(this.value(true));
      const token = this.next();
      if (token.text === ')') return values;
      if (token.text !== ',') this.fail(token, "',' or ')'");
    }
  }
}

/** Compiles a label selector; an empty selector matches everything. */
export function parseLabelSelector(s: string): LabelMatcher {
  let requirements: Requirement[];
  try {
    requirements = new LabelParser(s).parse();
  } catch (error) {
    if (error instanceof SelectorSyntaxError) {
      throw badRequest(`unable to parse requirement: ${error.message} (label selector ${JSON.stringify(s)})`);
    }
    throw error;
  }
  return (labels) => {
    const set = labels ?? {};
    return requirements.every((requirement) => requirement(set));
  };
}

/** Splits on unescaped `sep` (`\` escapes `\`, `,`, `=` and `!`). */
function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '\\' && i + 1 < s.length) {
      current += c + (s[i + 1] ?? '');
      i++;
    } else if (c === sep) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** The first unescaped operator in a field-selector term. */
function splitTerm(term: string): { field: string; op: '=' | '!='; value: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const c = term[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '!' && term[i + 1] === '=') return { field: term.slice(0, i), op: '!=', value: term.slice(i + 2) };
    if (c === '=') {
      const skip = term[i + 1] === '=' ? 2 : 1;
      return { field: term.slice(0, i), op: '=', value: term.slice(i + skip) };
    }
  }
  return undefined;
}

/**
 * Compiles a field selector over the fields in `allowed` (for custom resources
 * `metadata.name` and `metadata.namespace`); an empty selector matches everything.
 */
export function parseFieldSelector(s: string, allowed: readonly string[]): FieldMatcher {
  const terms = s.trim() === '' ? [] : splitUnescaped(s, ',');
  const checks = terms.map((term) => {
    const parsed = splitTerm(term);
    if (parsed === undefined) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    const field = unescape(parsed.field.trim());
    const value = unescape(parsed.value.trim());
    if (!allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    return parsed.op === '=' ? (fields: Record<string, string>) => (fields[field] ?? '') === value : (fields: Record<string, string>) => (fields[field] ?? '') !== value;
  });
  return (fields) => checks.every((check) => check(fields));
}
