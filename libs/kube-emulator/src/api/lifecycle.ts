/**
 * What happens around storing and removing objects: CRDs (un)register the resources they serve
 * and take their custom resources with them; deleting a namespace marks it Terminating, deletes
 * its contents and then the namespace itself.
 */
import { servedResourcesOf, type CrdObject } from '../pure/index.ts';
import { clone, rfc3339, type KubeObject } from '../object.ts';
import { customResourceType, type ResourceType } from '../resource-type.ts';
import { crdStorageKey, namespaceStorageKey, type ApiContext } from './context.ts';

/** Called after an object was created or updated in the store. */
export function afterStore(ctx: ApiContext, rt: ResourceType, stored: KubeObject): void {
  if (rt.storageKey === crdStorageKey && stored.metadata.deletionTimestamp === undefined) {
    const name = stored.metadata.name ?? '';
    const types = servedResourcesOf(stored as unknown as CrdObject).map((served) => customResourceType(served, name));
    ctx.registry.setCrd(name, types);
  }
}

function isTerminating(ns: KubeObject | undefined): boolean {
  return (ns?.['status'] as { phase?: unknown } | undefined)?.phase === 'Terminating';
}

/** Removes an object from the store (DELETED event) with what must go with it. */
export function removeObject(ctx: ApiContext, rt: ResourceType, obj: KubeObject): KubeObject {
  if (rt.storageKey === crdStorageKey) {
    const name = obj.metadata.name ?? '';
    const storageKeys = new Set(ctx.registry.typesOfCrd(name).map((t) => t.storageKey));
    for (const key of storageKeys) for (const cr of ctx.store.list(key)) ctx.store.delete(key, cr);
    const removed = ctx.store.delete(rt.storageKey, obj);
    ctx.registry.removeCrd(name);
    for (const key of storageKeys) ctx.store.resourceRemoved(key);
    return removed;
  }
  const removed = ctx.store.delete(rt.storageKey, obj);
  const namespace = obj.metadata.namespace;
  if (rt.namespaced && namespace !== undefined && isTerminating(ctx.store.get(namespaceStorageKey, '', namespace))) {
    ctx.defer(() => finalizeNamespace(ctx, namespace));
  }
  return removed;
}

/** Marks an object with finalizers as being deleted (MODIFIED); returns the stored object. */
export function markDeleting(ctx: ApiContext, rt: ResourceType, obj: KubeObject): KubeObject {
  const next = clone(obj);
  next.metadata.deletionTimestamp = rfc3339(ctx.now());
  next.metadata.deletionGracePeriodSeconds = 0;
  if (rt.rules.generation && typeof next.metadata.generation === 'number') next.metadata.generation += 1;
  return ctx.store.update(rt.storageKey, next, obj);
}

/** Starts deleting a namespace: Terminating now, contents and the namespace itself right after. */
export function terminateNamespace(ctx: ApiContext, rt: ResourceType, ns: KubeObject): KubeObject {
  if (isTerminating(ns)) return ns;
  const next = clone(ns);
  next.metadata.deletionTimestamp = rfc3339(ctx.now());
  next.metadata.deletionGracePeriodSeconds = 0;
  next['status'] = { ...((next['status'] as object | undefined) ?? {}), phase: 'Terminating' };
  const stored = ctx.store.update(rt.storageKey, next, ns);
  const name = ns.metadata.name ?? '';
  ctx.defer(() => finalizeNamespace(ctx, name));
  return stored;
}

/** Deletes what is left in a terminating namespace; removes the namespace once it is empty. */
export function finalizeNamespace(ctx: ApiContext, name: string): void {
  const ns = ctx.store.get(namespaceStorageKey, '', name);
  if (!ns || !isTerminating(ns)) return;
  for (const storageKey of ctx.store.resourcesWithObjectsIn(name)) {
    const rt = ctx.registry.versionsOfResource(storageKey)[0];
    for (const obj of ctx.store.list(storageKey, name)) {
      if (!rt) {
        ctx.store.delete(storageKey, obj);
      } else if ((obj.metadata.finalizers ?? []).length > 0) {
        if (obj.metadata.deletionTimestamp === undefined) markDeleting(ctx, rt, obj);
      } else {
        ctx.store.delete(storageKey, obj);
      }
    }
  }
  if (ctx.store.resourcesWithObjectsIn(name).length > 0) return;
  const current = ctx.store.get(namespaceStorageKey, '', name);
  if (!current) return;
  // Metadata finalizers on the namespace itself wait for whoever owns them (a later update re-runs this).
  if ((current.metadata.finalizers ?? []).length > 0) return;
  ctx.store.delete(namespaceStorageKey, current);
}
