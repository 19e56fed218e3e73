/** PATCH: JSON merge patch, JSON Patch, strategic merge patch (built-in kinds) and server-side apply. */
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  badRequest,
  conflict,
  notFound,
  serverSideApply,
  unsupportedMediaType,
} from '../pure/index.ts';
import { isJsonObject, rfc3339, type KubeObject } from '../object.ts';
import type { ResourceType } from '../resource-type.ts';
import { decodeBody } from './body.ts';
import type { ApiContext, WriteOptions, WriteResult } from './context.ts';
import { createObject } from './create.ts';
import { updateObject } from './update.ts';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const patchTypes: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

const acceptedForCustomResources = 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';
const acceptedForBuiltins = `${acceptedForCustomResources}, application/strategic-merge-patch+json`;

/** The patch type of a Content-Type header; 415 when it is not one the resource accepts. */
export function patchTypeOf(rt: ResourceType, contentType: string | undefined): PatchType {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const type = patchTypes[mediaType];
  if (type === undefined || (type === 'strategic' && !rt.rules.strategicMergePatch)) {
    const accepted = rt.rules.strategicMergePatch ? acceptedForBuiltins : acceptedForCustomResources;
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${accepted}`);
  }
  return type;
}

export function patchObject(
  ctx: ApiContext,
  rt: ResourceType,
  urlNamespace: string | undefined,
  name: string,
  subresource: string | undefined,
  type: PatchType,
  raw: Buffer,
  options: WriteOptions,
): WriteResult {
  if (type === 'apply') return applyObject(ctx, rt, urlNamespace, name, subresource, raw, options);
  const namespace = rt.namespaced ? (urlNamespace ?? '') : '';
  const resource = { group: rt.group, plural: rt.plural };
  const old = ctx.store.get(rt.storageKey, namespace, name);
  if (!old) throw notFound(resource, name);
  const patch = decodeBody(raw);
  let patched: unknown;
  switch (type) {
    case 'json':
      patched = applyJsonPatch(old, patch);
      break;
    case 'merge':
      if (!isJsonObject(patch)) throw badRequest('the merge patch must be a JSON object');
      patched = applyMergePatch(old, patch);
      break;
    case 'strategic':
      if (!isJsonObject(patch)) throw badRequest('the strategic merge patch must be a JSON object');
      patched = applyStrategicMergePatch(old, patch);
      break;
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
  if (!isJsonObject(patched)) throw badRequest('the patched object is not a JSON object');
  const patchedObj = patched as KubeObject;
  const meta = isJsonObject(patchedObj.metadata) ? patchedObj.metadata : {};
  const rv = meta.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(resource, name);
  return updateObject(ctx, rt, urlNamespace, name, subresource, { ...patchedObj, metadata: { ...meta, resourceVersion: old.metadata.resourceVersion } }, options, {
    fromPatch: true,
  });
}

function applyObject(
  ctx: ApiContext,
  rt: ResourceType,
  urlNamespace: string | undefined,
  name: string,
  subresource: string | undefined,
  raw: Buffer,
  options: WriteOptions,
): WriteResult {
  if (!options.fieldManagerGiven) {
    throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  }
  const intent = decodeBody(raw, 'application/apply-patch+yaml');
  if (!isJsonObject(intent)) throw badRequest('the apply patch must be an object');
  if (typeof intent['apiVersion'] !== 'string' || typeof intent['kind'] !== 'string' || intent['apiVersion'] === '' || intent['kind'] === '') {
    throw badRequest(`invalid object type: ${String(intent['apiVersion'] ?? '')}, Kind=${String(intent['kind'] ?? '')}`);
  }
  const meta = isJsonObject(intent['metadata']) ? intent['metadata'] : {};
  if (meta['name'] !== undefined && meta['name'] !== name) {
    throw badRequest(`the name of the object (${String(meta['name'])}) does not match the name on the URL (${name})`);
  }
  const namespace = rt.namespaced ? (urlNamespace ?? '') : '';
  const old = ctx.store.get(rt.storageKey, namespace, name);
  if (!old && subresource !== undefined) throw notFound({ group: rt.group, plural: rt.plural }, name);
  const withName = { ...intent, metadata: { ...meta, name, ...(rt.namespaced ? { namespace } : {}) } };
  const rv = meta['resourceVersion'];
  if (old && typeof rv === 'string' && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict({ group: rt.group, plural: rt.plural }, name);
  const resetFields =
    subresource === 'status'
      ? Object.keys(withName).filter((k) => !['status', 'apiVersion', 'kind'].includes(k))
      : rt.statusSubresource
        ? ['status']
        : [];
  const { object, created } = serverSideApply(old, withName, {
    manager: options.fieldManager,
    force: options.force,
    now: rfc3339(ctx.now()),
    apiVersion: rt.apiVersion,
    resetFields,
    ...(subresource === undefined ? {} : { subresource }),
  });
  if (created || !old) return createObject(ctx, rt, urlNamespace, object, options, { managedFieldsSet: true });
  const applied = object as KubeObject;
  return updateObject(ctx, rt, urlNamespace, name, subresource, { ...applied, metadata: { ...applied.metadata, resourceVersion: old.metadata.resourceVersion } }, options, {
    managedFieldsSet: true,
    fromPatch: true,
  });
}
