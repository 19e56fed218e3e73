/**
 * The three patch formats the API server accepts on PATCH: JSON merge patch (RFC 7386), JSON
 * Patch (RFC 6902, in json-patch.ts) and, for built-in kinds only, strategic merge patch reduced
 * to what Secrets and Namespaces need. All functions return new values and leave inputs intact.
 */
import { clone, isObject, type JsonObject } from './json.ts';

export { applyJsonPatch } from './json-patch.ts';

/**
 * RFC 7386: `null` deletes, objects merge recursively, anything else (arrays too) replaces. The
 * result shares nothing with the inputs.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return mergeInto(clone(target), patch);
}

function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergeInto(result[key], value);
  }
  return result;
}

const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/**
 * Strategic merge patch for built-in kinds (Secret, Namespace, ConfigMap, Lease): an RFC 7386
 * merge that understands the directives kubectl sends. `$patch: replace|delete` on a map,
 * `$retainKeys` and `$deleteFromPrimitiveList/<list>` are honoured; `$setElementOrder/...` is
 * dropped. Lists replace, except `metadata.finalizers` (a set: union) and
 * `metadata.ownerReferences` (merged by `uid`; an item with `$patch: delete` removes it).
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  const merged = mergeNode(clone(target), patch, '');
  return merged === DELETED ? {} : merged;
}

const DELETED = Symbol('deleted');

function mergeNode(target: unknown, patch: unknown, path: string): unknown {
  if (!isObject(patch)) return stripDirectives(patch);
  const directive = patch['$patch'];
  if (directive === 'delete') return DELETED;
  if (directive === 'replace') return stripDirectives(patch);
  const result: JsonObject = isObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const childPath = path ? `${path}.${key}` : key;
    let merged: unknown;
    if (childPath === 'metadata.finalizers' && Array.isArray(value)) merged = unionList(result[key], value);
    else if (childPath === 'metadata.ownerReferences' && Array.isArray(value)) merged = mergeByUid(result[key], value);
    else merged = mergeNode(result[key], value, childPath);
    if (merged === DELETED) delete result[key];
    else result[key] = merged;
  }
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || !Array.isArray(value)) continue;
    const listKey = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
    const list = result[listKey];
    if (Array.isArray(list)) result[listKey] = list.filter((item) => !value.includes(item));
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

/** A copy without `$…` directive keys at any depth. */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return clone(value);
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) if (!key.startsWith('$')) out[key] = stripDirectives(child);
  return out;
}

function unionList(live: unknown, patch: unknown[]): unknown[] {
  const result = Array.isArray(live) ? [...live] : [];
  for (const item of patch) if (!result.includes(item)) result.push(item);
  return result;
}

function mergeByUid(live: unknown, patch: unknown[]): unknown[] {
  const result = Array.isArray(live) ? [...live] : [];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = result.findIndex((existing) => isObject(existing) && existing['uid'] === item['uid']);
    if (item['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = mergeNode(result[index], item, '');
    else result.push(stripDirectives(item));
  }
  return result;
}
