/**
 * PUT (and the common tail of PATCH and server-side apply): optimistic concurrency, the status
 * subresource split, generation, finalizer rules, managedFields, no-op detection.
 */
import { badRequest, conflict, forbiddenCause, invalid, notFound, recordUpdate, type StatusCause } from '../pure/index.ts';
import { clone, deepEqual, rfc3339, type JsonObject, type KubeObject } from '../object.ts';
import type { ResourceType } from '../resource-type.ts';
import { admit } from './admission.ts';
import { objectFromBody, setNamespace } from './body.ts';
import { namespaceStorageKey, type ApiContext, type WriteOptions, type WriteResult } from './context.ts';
import { createObject } from './create.ts';
import { afterStore, finalizeNamespace, removeObject } from './lifecycle.ts';

export interface UpdateInternals {
  /** managedFields were already computed (server-side apply). */
  readonly managedFieldsSet?: boolean;
  /** The write comes from a patch: no resourceVersion means "unconditional". */
  readonly fromPatch?: boolean;
}

const rvRequired: StatusCause = {
  reason: 'FieldValueInvalid',
  field: 'metadata.resourceVersion',
  message: 'Invalid value: 0x0: must be specified for an update',
};

/** Everything but metadata (and status when it is a subresource): what bumps generation. */
function content(obj: KubeObject, dropStatus: boolean): JsonObject {
  const { metadata: _m, ...rest } = obj;
  if (dropStatus) delete rest['status'];
  return rest;
}

function withoutVolatile(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

export function updateObject(
  ctx: ApiContext,
  rt: ResourceType,
  urlNamespace: string | undefined,
  name: string,
  subresource: string | undefined,
  body: unknown,
  options: WriteOptions,
  internals: UpdateInternals = {},
): WriteResult {
  const obj = objectFromBody(rt, body);
  if (obj.metadata.name !== name) {
    throw badRequest(`the name of the object (${String(obj.metadata.name ?? '')}) does not match the name on the URL (${name})`);
  }
  setNamespace(rt, obj, urlNamespace);
  const namespace = obj.metadata.namespace ?? '';
  const resource = { group: rt.group, plural: rt.plural };
  const old = ctx.store.get(rt.storageKey, namespace, name);
  if (!old) {
    if (rt.rules.allowCreateOnUpdate && subresource === undefined) return createObject(ctx, rt, urlNamespace, body, options, internals);
    throw notFound(resource, name);
  }
  const bodyRv = obj.metadata.resourceVersion;
  if (bodyRv === undefined || bodyRv === '') {
    if (!rt.rules.allowUnconditionalUpdate && !internals.fromPatch) throw invalid(rt.kind, rt.group, name, [rvRequired]);
  } else if (bodyRv !== old.metadata.resourceVersion) {
    throw conflict(resource, name);
  }

  let next: KubeObject;
  if (subresource === 'status') {
    next = clone(old);
    if (obj['status'] === undefined) delete next['status'];
    else next['status'] = obj['status'];
  } else if (subresource === 'finalize') {
    next = clone(old);
    next['spec'] = { ...((old['spec'] as JsonObject | undefined) ?? {}), finalizers: (obj['spec'] as JsonObject | undefined)?.['finalizers'] ?? [] };
  } else {
    next = obj;
    if (rt.statusSubresource) {
      if (old['status'] === undefined) delete next['status'];
      else next['status'] = clone(old['status']);
    }
  }
  const meta = next.metadata;
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  meta.resourceVersion = old.metadata.resourceVersion;
  for (const key of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
    if (old.metadata[key] === undefined) delete meta[key];
    else meta[key] = old.metadata[key] as never;
  }
  if (meta.managedFields === undefined && old.metadata.managedFields !== undefined) meta.managedFields = clone(old.metadata.managedFields);

  if (old.metadata.deletionTimestamp !== undefined) {
    const before = new Set(old.metadata.finalizers ?? []);
    const added = (meta.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length > 0) {
      const list = added.map((f) => JSON.stringify(f)).join(', ');
      throw invalid(rt.kind, rt.group, name, [
        forbiddenCause('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${list}}`),
      ]);
    }
  }

  const admitted = admit(ctx, rt, next, old, options, subresource);
  let updated = admitted.object;
  if (rt.rules.generation && subresource === undefined && typeof old.metadata.generation === 'number') {
    if (!deepEqual(content(updated, rt.statusSubresource), content(old, rt.statusSubresource))) {
      updated.metadata.generation = old.metadata.generation + 1;
    }
  }
  if (!internals.managedFieldsSet) {
    updated = recordUpdate(updated, old, {
      manager: options.fieldManager,
      now: rfc3339(ctx.now()),
      apiVersion: rt.apiVersion,
      ...(subresource === undefined ? {} : { subresource }),
    }) as KubeObject;
  }
  if (deepEqual(withoutVolatile(updated), withoutVolatile(old))) return { object: old, warnings: admitted.warnings, created: false };
  if (options.dryRun) return { object: updated, warnings: admitted.warnings, created: false };

  if (updated.metadata.deletionTimestamp !== undefined && (updated.metadata.finalizers ?? []).length === 0) {
    if (rt.storageKey === namespaceStorageKey) {
      const stored = ctx.store.update(rt.storageKey, updated, old);
      ctx.defer(() => finalizeNamespace(ctx, name));
      return { object: stored, warnings: admitted.warnings, created: false };
    }
    return { object: removeObject(ctx, rt, updated), warnings: admitted.warnings, created: false };
  }
  const stored = ctx.store.update(rt.storageKey, updated, old);
  afterStore(ctx, rt, stored);
  return { object: stored, warnings: admitted.warnings, created: false };
}
