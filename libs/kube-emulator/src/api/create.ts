/** POST: create an object (also the create branch of server-side apply and of PUT on Leases). */
import { alreadyExists, generateName, invalid, namespaceNotFound, namespaceTerminating, objectNameCauses, recordUpdate } from '../pure/index.ts';
import { rfc3339, type KubeObject } from '../object.ts';
import type { ResourceType } from '../resource-type.ts';
import { admit } from './admission.ts';
import { objectFromBody, setNamespace } from './body.ts';
import { namespaceStorageKey, type ApiContext, type WriteOptions, type WriteResult } from './context.ts';
import { afterStore } from './lifecycle.ts';

export interface CreateInternals {
  /** managedFields were already computed (server-side apply). */
  readonly managedFieldsSet?: boolean;
}

const systemFields = ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink'] as const;

/** 404 when the namespace is missing, 403 when it is terminating. */
export function checkNamespaceAcceptsCreate(ctx: ApiContext, rt: ResourceType, namespace: string, name: string): void {
  const ns = ctx.store.get(namespaceStorageKey, '', namespace);
  if (!ns) throw namespaceNotFound(namespace);
  if ((ns['status'] as { phase?: unknown } | undefined)?.phase === 'Terminating') {
    throw namespaceTerminating(namespace, { group: rt.group, plural: rt.plural }, name);
  }
}

export function createObject(
  ctx: ApiContext,
  rt: ResourceType,
  urlNamespace: string | undefined,
  body: unknown,
  options: WriteOptions,
  internals: CreateInternals = {},
): WriteResult {
  const obj = objectFromBody(rt, body);
  setNamespace(rt, obj, urlNamespace);
  const meta = obj.metadata;
  if ((meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '') {
    meta.name = generateName(meta.generateName, ctx.random);
  }
  const nameCauses = objectNameCauses(meta.name, { dnsLabel: rt.rules.dnsLabelNames === true, generateName: meta.generateName });
  if (nameCauses.length > 0) throw invalid(rt.kind, rt.group, typeof meta.name === 'string' ? meta.name : '', nameCauses);
  const name = meta.name ?? '';
  if (rt.namespaced) checkNamespaceAcceptsCreate(ctx, rt, meta.namespace ?? '', name);
  for (const field of systemFields) delete meta[field];
  if (!internals.managedFieldsSet) delete meta.managedFields;
  if (rt.statusSubresource) delete obj['status'];

  const admitted = admit(ctx, rt, obj, undefined, options, undefined);
  let created: KubeObject = admitted.object;
  const now = ctx.now();
  created.metadata.uid = ctx.newUid();
  created.metadata.creationTimestamp = rfc3339(now);
  if (rt.rules.generation) created.metadata.generation = 1;
  if (!internals.managedFieldsSet) {
    created = recordUpdate(created, undefined, { manager: options.fieldManager, now: rfc3339(now), apiVersion: rt.apiVersion }) as KubeObject;
  }
  if (ctx.store.get(rt.storageKey, created.metadata.namespace ?? '', name)) throw alreadyExists({ group: rt.group, plural: rt.plural }, name);
  if (options.dryRun) return { object: created, warnings: admitted.warnings, created: true };
  const stored = ctx.store.create(rt.storageKey, created);
  afterStore(ctx, rt, stored);
  return { object: stored, warnings: admitted.warnings, created: true };
}
