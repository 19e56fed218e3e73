/** GET and LIST: one object, or a filtered, optionally paginated list. */
import { badRequest, notFound, parseFieldSelector, parseLabelSelector } from '../pure/index.ts';
import type { KubeObject } from '../object.ts';
import type { ResourceType } from '../resource-type.ts';
import type { ApiContext } from './context.ts';

export function getObject(ctx: ApiContext, rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
  const obj = ctx.store.get(rt.storageKey, rt.namespaced ? (namespace ?? '') : '', name);
  if (!obj) throw notFound({ group: rt.group, plural: rt.plural }, name);
  return obj;
}

/** The fields a field selector can use for this resource. */
export function selectableFieldsOf(rt: ResourceType, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '', 'metadata.namespace': obj.metadata.namespace ?? '' };
  for (const [field, read] of Object.entries(rt.rules.selectableFields)) fields[field] = read(obj);
  return fields;
}

/** A predicate for `labelSelector` and `fieldSelector` (400 when either is malformed). */
export function selectorOf(rt: ResourceType, labelSelector: string | null, fieldSelector: string | null): (obj: KubeObject) => boolean {
  const labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
  const fields = fieldSelector ? parseFieldSelector(fieldSelector, ['metadata.name', 'metadata.namespace', ...Object.keys(rt.rules.selectableFields)]) : undefined;
  if (!labels && !fields) return () => true;
  return (obj) => (!labels || labels(obj.metadata.labels)) && (!fields || fields(selectableFieldsOf(rt, obj)));
}

export interface ListResult {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
  readonly continueToken: string | undefined;
  readonly remainingItemCount: number | undefined;
}

interface ContinueToken {
  readonly rv: number;
  readonly start: string;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (typeof parsed.start === 'string' && typeof parsed.rv === 'number') return { rv: parsed.rv, start: parsed.start };
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('continue key is not valid: invalid continue token');
}

const keyOf = (obj: KubeObject): string => `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;

export function listObjects(
  ctx: ApiContext,
  rt: ResourceType,
  namespace: string | undefined,
  matches: (obj: KubeObject) => boolean,
  limit: number | undefined,
  continueToken: string | undefined,
): ListResult {
  let items = ctx.store.list(rt.storageKey, rt.namespaced ? namespace : undefined).filter(matches);
  if (continueToken) {
    const { start } = decodeContinue(continueToken);
    items = items.filter((obj) => keyOf(obj) > start);
  }
  const resourceVersion = String(ctx.store.resourceVersion);
  if (limit !== undefined && limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    const token = Buffer.from(JSON.stringify({ rv: ctx.store.resourceVersion, start: last ? keyOf(last) : '' })).toString('base64url');
    return { items: page, resourceVersion, continueToken: token, remainingItemCount: items.length - limit };
  }
  return { items, resourceVersion, continueToken: undefined, remainingItemCount: undefined };
}
