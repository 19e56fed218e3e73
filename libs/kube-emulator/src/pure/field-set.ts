/**
 * Sets of field paths for managedFields. A path is a list of FieldsV1 keys: `f:<field>` for a map
 * field and `v:<json>` for an item of a set-like list (`metadata.finalizers`); lists are otherwise
 * atomic. A set holds leaf paths only; `toFieldsV1` renders it as `{"f:spec":{"f:x":{}}}`.
 */
import { clone, deepEqual, isObject, type JsonObject } from './json.ts';

export type FieldPath = readonly string[];

const keyOf = (path: FieldPath): string => JSON.stringify(path);

export class FieldSet {
  private readonly paths = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const path of paths) this.add(path);
  }

  add(path: FieldPath): void {
    this.paths.set(keyOf(path), path);
  }

  delete(path: FieldPath): void {
    this.paths.delete(keyOf(path));
  }

  has(path: FieldPath): boolean {
    return this.paths.has(keyOf(path));
  }

  get size(): number {
    return this.paths.size;
  }

  [Symbol.iterator](): Iterator<FieldPath> {
    return this.paths.values();
  }

  /** True when some member equals `path`, is a prefix of it, or lies under it. */
  overlaps(path: FieldPath): boolean {
    for (const member of this.paths.values()) if (isPrefix(member, path) || isPrefix(path, member)) return true;
    return false;
  }

  equals(other: FieldSet): boolean {
    if (other.size !== this.size) return false;
    for (const key of this.paths.keys()) if (!other.paths.has(key)) return false;
    return true;
  }

  filter(keep: (path: FieldPath) => boolean): FieldSet {
    return new FieldSet([...this].filter(keep));
  }
}

export function isPrefix(prefix: FieldPath, path: FieldPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

/** `.spec.version`, `.metadata.finalizers[="x"]` (structured-merge-diff's `Path.String()`). */
export function pathToString(path: FieldPath): string {
  return path.map((segment) => (segment.startsWith('v:') ? `[=${segment.slice(2)}]` : `.${segment.slice(2)}`)).join('');
}

const METADATA_TRACKED = new Set(['labels', 'annotations', 'finalizers']);
const SET_LISTS = new Set(['["f:metadata","f:finalizers"]']);

/**
 * The leaf paths of an object as managedFields see them: `apiVersion`/`kind` are not tracked, of
 * `metadata` only labels, annotations and finalizers; maps recurse, lists are atomic except
 * `metadata.finalizers` (one `v:` path per item); an empty map is a leaf.
 */
export function leafPaths(value: unknown): FieldPath[] {
  const out: FieldPath[] = [];
  if (!isObject(value)) return out;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'apiVersion' || key === 'kind' || child === undefined) continue;
    if (key === 'metadata') {
      if (!isObject(child)) continue;
      for (const [metaKey, metaChild] of Object.entries(child)) {
        if (METADATA_TRACKED.has(metaKey) && metaChild !== undefined) walk(metaChild, ['f:metadata', `f:${metaKey}`], out);
      }
      continue;
    }
    walk(child, [`f:${key}`], out);
  }
  return out;
}

function walk(value: unknown, path: FieldPath, out: FieldPath[]): void {
  if (Array.isArray(value) && SET_LISTS.has(keyOf(path)) && value.length > 0) {
    for (const item of value) out.push([...path, `v:${JSON.stringify(item)}`]);
    return;
  }
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) if (child !== undefined) walk(child, [...path, `f:${key}`], out);
    return;
  }
  out.push(path);
}

/** Renders leaf paths as a FieldsV1 object; a path that is both a leaf and a parent gets `"."`. */
export function toFieldsV1(paths: Iterable<FieldPath>): JsonObject {
  const root: JsonObject = {};
  const sorted = [...paths].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  for (const path of sorted) {
    let node = root;
    for (const segment of path) {
      const existing = node[segment];
      const child: JsonObject = isObject(existing) ? existing : {};
      node[segment] = child;
      node = child;
    }
  }
  markParentsThatAreLeaves(root, new FieldSet(sorted), []);
  return root;
}

function markParentsThatAreLeaves(node: JsonObject, set: FieldSet, path: string[]): void {
  for (const [segment, child] of Object.entries(node)) {
    if (segment === '.' || !isObject(child)) continue;
    const childPath = [...path, segment];
    const children = Object.keys(child).filter((k) => k !== '.');
    if (children.length > 0 && set.has(childPath)) child['.'] = {};
    markParentsThatAreLeaves(child, set, childPath);
  }
}

/** Parses a FieldsV1 object back into leaf paths (`"."` marks the node itself). */
export function fromFieldsV1(fields: unknown): FieldSet {
  const set = new FieldSet();
  const visit = (node: unknown, path: string[]): void => {
    if (!isObject(node)) return;
    const keys = Object.keys(node).filter((k) => k !== '.');
    if (path.length > 0 && (keys.length === 0 || Object.hasOwn(node, '.'))) set.add(path);
    for (const key of keys) visit(node[key], [...path, key]);
  };
  visit(fields, []);
  return set;
}

/** The value at a path (`found` false when absent). */
export function valueAt(root: unknown, path: FieldPath): { found: boolean; value: unknown } {
  let node: unknown = root;
  for (const segment of path) {
    if (segment.startsWith('v:')) {
      if (!Array.isArray(node)) return { found: false, value: undefined };
      const wanted = parseItem(segment);
      const item = node.find((candidate) => deepEqual(candidate, wanted));
      if (item === undefined) return { found: false, value: undefined };
      node = item;
    } else {
      const name = segment.slice(2);
      if (!isObject(node) || !Object.hasOwn(node, name)) return { found: false, value: undefined };
      node = node[name];
    }
  }
  return { found: true, value: node };
}

function parseItem(segment: string): unknown {
  try {
    return JSON.parse(segment.slice(2));
  } catch {
    return segment.slice(2);
  }
}

/**
 * Removes the field at `path` in place. Maps left empty by the removal are removed too, up to
 * (not including) top-level fields, unless `keep` says their path must stay.
 */
export function deleteAt(root: JsonObject, path: FieldPath, keep: (path: FieldPath) => boolean = () => false): void {
  if (path.length === 0) return;
  const parentPath = path.slice(0, -1);
  const parent = valueAt(root, parentPath).value;
  const last = path[path.length - 1] ?? '';
  if (last.startsWith('v:')) {
    if (!Array.isArray(parent)) return;
    const wanted = parseItem(last);
    const index = parent.findIndex((candidate) => deepEqual(candidate, wanted));
    if (index >= 0) parent.splice(index, 1);
    return;
  }
  if (!isObject(parent)) return;
  delete parent[last.slice(2)];
  if (parentPath.length >= 2 && Object.keys(parent).length === 0 && !keep(parentPath)) deleteAt(root, parentPath, keep);
}

/** A deep copy without `null` map values (a `null` in an apply configuration means "not set"). */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => clone(item));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) if (child !== null && child !== undefined) out[key] = withoutNulls(child);
  return out;
}
