/** DELETE: finalizers, preconditions, namespaces and CRDs; and DELETE on a collection. */
import { badRequest, conflict, deletedStatus, notFound, type K8sStatus } from '../pure/index.ts';
import { isJsonObject, type KubeObject } from '../object.ts';
import type { ResourceType } from '../resource-type.ts';
import { namespaceStorageKey, type ApiContext } from './context.ts';
import { markDeleting, removeObject, terminateNamespace } from './lifecycle.ts';

export interface DeleteOptions {
  readonly dryRun: boolean;
  readonly preconditions: { readonly uid?: string; readonly resourceVersion?: string } | undefined;
}

export type DeleteResult = { readonly kind: 'object'; readonly object: KubeObject } | { readonly kind: 'status'; readonly status: K8sStatus };

/** DeleteOptions from the body (may be empty) and the query string. */
export function deleteOptionsOf(body: unknown, query: URLSearchParams): DeleteOptions {
  const opts = isJsonObject(body) ? body : {};
  const dryRun = query.getAll('dryRun');
  const bodyDryRun = Array.isArray(opts['dryRun']) ? (opts['dryRun'] as unknown[]) : [];
  for (const value of [...dryRun, ...bodyDryRun]) {
    if (value !== 'All') throw badRequest(`Invalid dry run value: dryRun: Unsupported value: ${JSON.stringify(value)}: supported values: "All"`);
  }
  const pre = isJsonObject(opts['preconditions']) ? opts['preconditions'] : undefined;
  return {
    dryRun: dryRun.length > 0 || bodyDryRun.length > 0,
    preconditions: pre
      ? {
          ...(typeof pre['uid'] === 'string' ? { uid: pre['uid'] } : {}),
          ...(typeof pre['resourceVersion'] === 'string' ? { resourceVersion: pre['resourceVersion'] } : {}),
        }
      : undefined,
  };
}

export function deleteObject(ctx: ApiContext, rt: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions): DeleteResult {
  const resource = { group: rt.group, plural: rt.plural };
  const old = ctx.store.get(rt.storageKey, rt.namespaced ? (namespace ?? '') : '', name);
  if (!old) throw notFound(resource, name);
  const pre = options.preconditions;
  if (pre?.uid !== undefined && pre.uid !== old.metadata.uid) {
    throw conflict(resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(resource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`);
  }
  if (rt.storageKey === namespaceStorageKey) {
    if (options.dryRun) return { kind: 'object', object: old };
    return { kind: 'object', object: terminateNamespace(ctx, rt, old) };
  }
  if ((old.metadata.finalizers ?? []).length > 0) {
    if (old.metadata.deletionTimestamp !== undefined || options.dryRun) return { kind: 'object', object: old };
    return { kind: 'object', object: markDeleting(ctx, rt, old) };
  }
  if (!options.dryRun) removeObject(ctx, rt, old);
  return { kind: 'status', status: deletedStatus(resource, name, old.metadata.uid) };
}

/** Deletes every matching object; returns what was deleted or marked for deletion. */
export function deleteCollection(
  ctx: ApiContext,
  rt: ResourceType,
  namespace: string | undefined,
  matches: (obj: KubeObject) => boolean,
  options: DeleteOptions,
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const obj of ctx.store.list(rt.storageKey, rt.namespaced ? namespace : undefined).filter(matches)) {
    const result = deleteObject(ctx, rt, obj.metadata.namespace, obj.metadata.name ?? '', { dryRun: options.dryRun, preconditions: undefined });
    out.push(result.kind === 'object' ? result.object : obj);
  }
  return out;
}
