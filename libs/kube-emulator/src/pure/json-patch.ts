/**
 * JSON Patch (RFC 6902) with JSON Pointers (RFC 6901). A body that is not a list of well-formed
 * operations is a 400; an operation that cannot apply (missing path, bad index, failed test) is a
 * 422 with evanphx/json-patch's wording, as the API server answers.
 */
import { clone, deepEqual, isObject } from './json.ts';
import { badRequest, unprocessableEntity } from './status-error.ts';

type Op =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; path: string; from: string };

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Applies `ops` to a copy of `target`; throws ApiError 400 (malformed) or 422 (does not apply). */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  const operations = decodePatch(ops);
  let doc = clone(target);
  for (const operation of operations) doc = applyOne(doc, operation);
  return doc;
}

function decodePatch(ops: unknown): Op[] {
  if (!Array.isArray(ops)) {
    throw badRequest(`json: cannot unmarshal ${isObject(ops) ? 'object' : typeof ops} into Go value of type jsonpatch.Patch`);
  }
  return ops.map((raw, i) => {
    if (!isObject(raw)) throw badRequest(`invalid JSON Patch: operation ${i} is not an object`);
    const { op, path } = raw;
    if (typeof op !== 'string' || !OPS.has(op)) throw badRequest(`invalid JSON Patch: operation ${i}: Unexpected kind: ${String(op)}`);
    if (typeof path !== 'string') throw badRequest(`invalid JSON Patch: operation ${i} (${op}) is missing "path"`);
    parsePointer(path);
    if (op === 'move' || op === 'copy') {
      if (typeof raw['from'] !== 'string') throw badRequest(`invalid JSON Patch: operation ${i} (${op}) is missing "from"`);
      parsePointer(raw['from']);
      return { op, path, from: raw['from'] };
    }
    if (op === 'remove') return { op, path };
    if (!Object.hasOwn(raw, 'value')) throw badRequest(`invalid JSON Patch: operation ${i} (${op}) is missing "value"`);
    return { op: op as 'add' | 'replace' | 'test', path, value: raw['value'] };
  });
}

/** RFC 6901 tokens: `''` is the whole document, `/a~1b/~0c` is `['a/b', '~c']`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON Pointer ${JSON.stringify(pointer)}: must be empty or start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const missing = (what: string): never => {
  throw unprocessableEntity(what);
};

/** The container holding the last token, or undefined when the path to it does not exist. */
function resolve(doc: unknown, tokens: readonly string[]): unknown {
  let node = doc;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      const index = arrayIndex(token, node.length - 1);
      if (index === undefined) return undefined;
      node = node[index];
    } else if (isObject(node) && Object.hasOwn(node, token)) node = node[token];
    else return undefined;
  }
  return node;
}

function arrayIndex(token: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  return index <= max ? index : undefined;
}

function getAt(doc: unknown, path: string): { found: boolean; value: unknown } {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return { found: true, value: doc };
  const parent = resolve(doc, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length - 1);
    return index === undefined ? { found: false, value: undefined } : { found: true, value: parent[index] };
  }
  if (isObject(parent) && Object.hasOwn(parent, last)) return { found: true, value: parent[last] };
  return { found: false, value: undefined };
}

function add(doc: unknown, path: string, value: unknown, opName: string): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return clone(value);
  const parent = resolve(doc, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : arrayIndex(last, parent.length);
    if (index === undefined) missing(`Unable to access invalid index: ${last}: invalid index referenced`);
    parent.splice(index as number, 0, clone(value));
  } else if (isObject(parent)) parent[last] = clone(value);
  else missing(`${opName} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
  return doc;
}

function remove(doc: unknown, path: string, opName: string): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) missing(`${opName} operation does not apply: cannot remove the whole document`);
  const parent = resolve(doc, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length - 1);
    if (index === undefined) missing(`Unable to access invalid index: ${last}: invalid index referenced`);
    parent.splice(index as number, 1);
  } else if (isObject(parent) && Object.hasOwn(parent, last)) delete parent[last];
  else missing(`Unable to remove nonexistent key: ${last}: missing value`);
  return doc;
}

function applyOne(doc: unknown, operation: Op): unknown {
  switch (operation.op) {
    case 'add':
      return add(doc, operation.path, operation.value, 'add');
    case 'remove':
      return remove(doc, operation.path, 'remove');
    case 'replace': {
      if (!getAt(doc, operation.path).found) missing(`replace operation does not apply: doc is missing key: ${operation.path}: missing value`);
      const tokens = parsePointer(operation.path);
      if (tokens.length === 0) return clone(operation.value);
      const parent = resolve(doc, tokens.slice(0, -1)) as Record<string, unknown> | unknown[];
      const last = tokens[tokens.length - 1] ?? '';
      if (Array.isArray(parent)) parent[Number(last)] = clone(operation.value);
      else parent[last] = clone(operation.value);
      return doc;
    }
    case 'move': {
      const source = getAt(doc, operation.from);
      if (!source.found) missing(`move operation does not apply: doc is missing from path: ${operation.from}: missing value`);
      if (operation.path.startsWith(`${operation.from}/`)) missing(`move operation does not apply: cannot move ${operation.from} into its own child ${operation.path}`);
      if (operation.path === operation.from) return doc;
      return add(remove(doc, operation.from, 'move'), operation.path, source.value, 'move');
    }
    case 'copy': {
      const source = getAt(doc, operation.from);
      if (!source.found) missing(`copy operation does not apply: doc is missing from path: ${operation.from}: missing value`);
      return add(doc, operation.path, source.value, 'copy');
    }
    case 'test': {
      const current = getAt(doc, operation.path);
      if (!current.found || !deepEqual(current.value, operation.value)) missing(`testing value ${operation.path} failed: test failed`);
      return doc;
    }
    default: {
      const _exhaustive: never = operation;
      return _exhaustive;
    }
  }
}
