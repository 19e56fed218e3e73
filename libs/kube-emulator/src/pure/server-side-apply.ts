/**
 * Server-side apply and managedFields bookkeeping, reduced to what clients observe: the intent
 * is merged over the live object (maps merge, lists are atomic, `metadata.finalizers` is a set),
 * fields an applier stops applying are removed unless someone else owns them, changing a field
 * another manager owns is a 409 `FieldManagerConflict` unless forced, and every write records
 * which manager owns which fields.
 */
import { deleteAt, FieldSet, fromFieldsV1, leafPaths, pathToString, toFieldsV1, valueAt, withoutNulls, type FieldPath } from './field-set.ts';
import { clone, deepEqual, isObject, type JsonObject } from './json.ts';
import { applyConflict, type StatusCause } from './status-error.ts';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ApplyOptions {
  manager: string;
  force: boolean;
  /** RFC 3339 time for the managedFields entry. */
  now: string;
  apiVersion: string;
  /** `status` when applying to the /status subresource. */
  subresource?: string;
  /**
   * Top-level fields of the intent that this endpoint ignores (neither merged nor owned): the
   * main endpoint of a kind with a status subresource passes `['status']`, the /status endpoint
   * passes the others (e.g. `['spec', 'metadata']`).
   */
  resetFields?: readonly string[];
}

export interface UpdateOptions {
  manager: string;
  now: string;
  apiVersion: string;
  subresource?: string;
}

/** The FieldsV1 set of a value: `{"f:spec":{"f:x":{}}}`; lists are atomic (`"f:list":{}`). */
export function fieldsV1Of(value: unknown): Record<string, unknown> {
  return toFieldsV1(leafPaths(value));
}

interface Owner {
  entry: ManagedFieldsEntry;
  fields: FieldSet;
}

/** The managedFields of an object, each with its parsed field set (malformed entries are dropped). */
export function readManagedFields(obj: unknown): Owner[] {
  const metadata = isObject(obj) ? obj['metadata'] : undefined;
  const raw = isObject(metadata) ? metadata['managedFields'] : undefined;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item): Owner[] => {
    if (!isObject(item) || typeof item['manager'] !== 'string') return [];
    const operation = item['operation'] === 'Apply' ? 'Apply' : 'Update';
    const entry: ManagedFieldsEntry = {
      manager: item['manager'],
      operation,
      apiVersion: typeof item['apiVersion'] === 'string' ? item['apiVersion'] : '',
      time: typeof item['time'] === 'string' ? item['time'] : '',
      fieldsType: 'FieldsV1',
      fieldsV1: isObject(item['fieldsV1']) ? item['fieldsV1'] : {},
    };
    if (typeof item['subresource'] === 'string' && item['subresource'] !== '') entry.subresource = item['subresource'];
    return [{ entry, fields: fromFieldsV1(entry.fieldsV1) }];
  });
}

const sameSubresource = (entry: ManagedFieldsEntry, subresource: string | undefined): boolean => (entry.subresource ?? '') === (subresource ?? '');

/** `printManager`: `"kubectl"` for appliers, `"x" using v1` for updaters, with ` with subresource "status"`. */
function describeManager(entry: ManagedFieldsEntry): string {
  let text = JSON.stringify(entry.manager);
  if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  return entry.operation === 'Update' ? `${text} using ${entry.apiVersion}` : text;
}

function conflictError(conflicts: { owner: Owner; path: FieldPath }[]): Error {
  const causes: StatusCause[] = conflicts.map(({ owner, path }) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(owner.entry)}`,
    field: pathToString(path),
  }));
  const first = conflicts[0];
  if (conflicts.length === 1 && first) {
    return applyConflict(causes, `Apply failed with 1 conflict: conflict with ${describeManager(first.owner.entry)}: ${pathToString(first.path)}`);
  }
  const byManager = new Map<string, string[]>();
  for (const { owner, path } of conflicts) {
    const name = describeManager(owner.entry);
    byManager.set(name, [...(byManager.get(name) ?? []), pathToString(path)]);
  }
  const lines = [...byManager.keys()].sort().flatMap((name) => [`conflicts with ${name}:`, ...(byManager.get(name) ?? []).map((p) => `- ${p}`)]);
  return applyConflict(causes, `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`);
}

function mergeMaps(live: unknown, applied: unknown): unknown {
  if (!isObject(applied) || !isObject(live)) return clone(applied);
  const out: JsonObject = { ...live };
  for (const [key, value] of Object.entries(applied)) out[key] = mergeMaps(live[key], value);
  return out;
}

function mergeMetadata(live: unknown, applied: JsonObject, created: boolean): JsonObject {
  if (created || !isObject(live)) {
    const out = clone(applied);
    delete out['managedFields'];
    return out;
  }
  const out = clone(live);
  for (const key of ['labels', 'annotations'] as const) if (isObject(applied[key])) out[key] = mergeMaps(out[key], applied[key]);
  if (Array.isArray(applied['finalizers'])) {
    const finalizers = Array.isArray(out['finalizers']) ? [...out['finalizers']] : [];
    for (const item of applied['finalizers']) if (!finalizers.some((f) => deepEqual(f, item))) finalizers.push(item);
    out['finalizers'] = finalizers;
  }
  if (Array.isArray(applied['ownerReferences'])) out['ownerReferences'] = clone(applied['ownerReferences']);
  return out;
}

function withoutManagedFields(obj: JsonObject): JsonObject {
  const out = clone(obj);
  if (isObject(out['metadata'])) delete out['metadata']['managedFields'];
  return out;
}

/**
 * Applies `intent` for `opts.manager`. Creates when `live` is undefined. Throws ApiError 409 on
 * conflicts with other managers unless `opts.force`. The returned object carries the new
 * `metadata.managedFields`; when nothing changed it is the live object, managedFields included.
 */
export function serverSideApply(
  live: Record<string, unknown> | undefined,
  intent: Record<string, unknown>,
  opts: ApplyOptions,
): { object: Record<string, unknown>; created: boolean } {
  const created = live === undefined;
  const reset = new Set(opts.resetFields ?? []);
  const cleanIntent = withoutNulls(intent) as JsonObject;
  for (const key of reset) delete cleanIntent[key];
  const base: JsonObject = created ? {} : withoutManagedFields(live);
  const owners = created ? [] : readManagedFields(live);
  const self = owners.find((o) => o.entry.manager === opts.manager && o.entry.operation === 'Apply' && sameSubresource(o.entry, opts.subresource));
  const others = owners.filter((o) => o !== self);
  const applied = new FieldSet(leafPaths(cleanIntent));

  const merged: JsonObject = clone(base);
  for (const [key, value] of Object.entries(cleanIntent)) {
    merged[key] = key === 'metadata' && isObject(value) ? mergeMetadata(base['metadata'], value, created) : mergeMaps(base[key], value);
  }

  const conflicts: { owner: Owner; path: FieldPath }[] = [];
  for (const owner of others) {
    for (const path of owner.fields) {
      if (!applied.overlaps(path)) continue;
      const before = valueAt(base, path);
      const after = valueAt(merged, path);
      if (isObject(before.value) && isObject(after.value)) continue;
      if (before.found === after.found && deepEqual(before.value, after.value)) continue;
      conflicts.push({ owner, path });
    }
  }
  if (conflicts.length > 0 && !opts.force) throw conflictError(conflicts);
  for (const { owner, path } of conflicts) owner.fields.delete(path);

  const ownedByOthers = (path: FieldPath): boolean => others.some((o) => o.fields.overlaps(path));
  for (const path of self?.fields ?? []) {
    if (applied.overlaps(path) || ownedByOthers(path)) continue;
    deleteAt(merged, path, (parent) => applied.has(parent) || others.some((o) => o.fields.has(parent)));
  }

  const exists = (path: FieldPath): boolean => valueAt(merged, path).found;
  const unchanged = !created && deepEqual(merged, base);
  const selfUnchanged = self !== undefined && self.fields.equals(applied);
  const remaining = others.map((o) => ({ owner: o, fields: o.fields.filter(exists) }));
  if (unchanged && selfUnchanged && conflicts.length === 0 && remaining.every((r) => r.fields.size === r.owner.fields.size)) {
    return { object: clone(live as JsonObject), created: false };
  }
  const selfEntry: ManagedFieldsEntry = {
    manager: opts.manager,
    operation: 'Apply',
    apiVersion: opts.apiVersion,
    time: unchanged && selfUnchanged && self ? self.entry.time : opts.now,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(applied),
  };
  if (opts.subresource) selfEntry.subresource = opts.subresource;
  const entries = remaining.filter((r) => r.fields.size > 0).map((r) => ({ ...r.owner.entry, fieldsV1: toFieldsV1(r.fields) }));
  if (applied.size > 0) entries.push(selfEntry);
  return { object: withManagedFields(merged, entries), created };
}

/** At most this many Update entries; older ones are folded into `ancient-changes`. */
export const MAX_UPDATE_MANAGERS = 10;

/**
 * Records an ordinary write (create, update, patch) by `opts.manager` as an `Update` entry: the
 * manager takes the fields it set or changed (others lose them), fields that no longer exist are
 * owned by nobody. A write that changes nothing leaves managedFields as they were. A write that
 * sends `managedFields: []` resets them: the writer then owns every field.
 */
export function recordUpdate(obj: Record<string, unknown>, previous: Record<string, unknown> | undefined, opts: UpdateOptions): Record<string, unknown> {
  const incoming = isObject(obj['metadata']) ? obj['metadata']['managedFields'] : undefined;
  const resetRequested = Array.isArray(incoming) && incoming.length === 0;
  const owners = previous === undefined || resetRequested ? [] : readManagedFields(previous);
  const current = withoutManagedFields(obj);
  const before = previous === undefined || resetRequested ? undefined : withoutManagedFields(previous);
  const changed = leafPaths(current).filter((path) => before === undefined || !deepEqual(valueAt(before, path), valueAt(current, path)));
  const changedSet = new FieldSet(changed);

  const isSelf = (e: ManagedFieldsEntry): boolean =>
    e.manager === opts.manager && e.operation === 'Update' && e.apiVersion === opts.apiVersion && sameSubresource(e, opts.subresource);
  const self = owners.find((o) => isSelf(o.entry));
  const exists = (path: FieldPath): boolean => valueAt(current, path).found;
  const entries: ManagedFieldsEntry[] = [];
  for (const owner of owners) {
    if (owner === self) continue;
    const fields = owner.fields.filter((path) => exists(path) && !changedSet.overlaps(path));
    if (fields.size === 0) continue;
    entries.push(fields.equals(owner.fields) ? owner.entry : { ...owner.entry, fieldsV1: toFieldsV1(fields) });
  }
  const selfFields = new FieldSet([...(self?.fields ?? []), ...changed]).filter(exists);
  if (selfFields.size > 0) {
    const same = self !== undefined && changed.length === 0 && selfFields.equals(self.fields);
    const entry: ManagedFieldsEntry = same && self
      ? self.entry
      : { manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, time: opts.now, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(selfFields) };
    if (opts.subresource && !same) entry.subresource = opts.subresource;
    entries.push(entry);
  }
  return withManagedFields(current, capUpdateManagers(entries));
}

function capUpdateManagers(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const updates = entries.filter((e) => e.operation === 'Update' && e.manager !== 'ancient-changes');
  if (updates.length <= MAX_UPDATE_MANAGERS) return entries;
  const oldest = new Set([...updates].sort((a, b) => a.time.localeCompare(b.time)).slice(0, updates.length - MAX_UPDATE_MANAGERS));
  const folded = entries.filter((e) => oldest.has(e) || e.manager === 'ancient-changes');
  const fields = new FieldSet(folded.flatMap((e) => [...fromFieldsV1(e.fieldsV1)]));
  const newest = folded.reduce((a, b) => (a.time >= b.time ? a : b));
  const ancient: ManagedFieldsEntry = { manager: 'ancient-changes', operation: 'Update', apiVersion: newest.apiVersion, time: newest.time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(fields) };
  return [...entries.filter((e) => !folded.includes(e)), ancient];
}

/** Kubernetes' order: Apply before Update, then by time, manager, apiVersion, subresource. */
function sortEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...entries].sort(
    (a, b) =>
      cmp(a.operation, b.operation) ||
      cmp(a.time, b.time) ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) ||
      cmp(a.subresource ?? '', b.subresource ?? ''),
  );
}

function withManagedFields(obj: JsonObject, entries: ManagedFieldsEntry[]): JsonObject {
  const out = { ...obj };
  const metadata: JsonObject = isObject(out['metadata']) ? { ...out['metadata'] } : {};
  if (entries.length > 0) metadata['managedFields'] = sortEntries(entries).map((e) => clone(e));
  else delete metadata['managedFields'];
  out['metadata'] = metadata;
  return out;
}
