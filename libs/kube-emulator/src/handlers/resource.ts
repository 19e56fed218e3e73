/**
 * HTTP handling of resource requests: decodes the query and body, runs the API operation of the
 * verb and writes the answer (objects, lists, Tables, Status, watch streams).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, methodNotAllowed, notFound, renderTable } from '../pure/index.ts';
import { createObject } from '../api/create.ts';
import type { ApiContext, WriteResult } from '../api/context.ts';
import { deleteCollection, deleteObject, deleteOptionsOf } from '../api/delete.ts';
import { writeOptionsOf } from '../api/options.ts';
import { patchObject, patchTypeOf } from '../api/patch.ts';
import { getObject, listObjects, selectorOf } from '../api/read.ts';
import { updateObject } from '../api/update.ts';
import { decodeBody } from '../api/body.ts';
import { objectJson, readBody, sendJson } from '../http-util.ts';
import type { KubeObject } from '../object.ts';
import type { ResourceRequestInfo } from '../request-info.ts';
import type { ResourceType } from '../resource-type.ts';
import { serveWatch, type OpenWatches } from '../watch.ts';

export interface ResourceRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly query: URLSearchParams;
  readonly info: ResourceRequestInfo;
  readonly api: ApiContext;
  readonly openWatches: OpenWatches;
  readonly bookmarkIntervalMs: number;
}

/** The Status for paths the server does not serve. */
export function pathNotFound(): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  });
}

function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}

function parseIntParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`${name}: Invalid value: ${JSON.stringify(value)}: must be a non-negative integer`);
  return n;
}

function tableOf(rt: ResourceType, items: readonly KubeObject[], now: Date, resourceVersion: string, query: URLSearchParams): unknown {
  const table = renderTable(items as never, rt.printerColumns, now, resourceVersion) as { rows?: { object?: unknown }[] };
  const include = query.get('includeObject');
  if (include === 'Object' && Array.isArray(table.rows)) table.rows.forEach((row, i) => (row.object = items[i]));
  if (include === 'None' && Array.isArray(table.rows)) for (const row of table.rows) delete row.object;
  return table;
}

function sendWriteResult(r: ResourceRequest, rt: ResourceType, result: WriteResult, createdStatus: number): void {
  sendJson(r.res, result.created ? createdStatus : 200, objectJson(result.object, rt.apiVersion), warningHeaders(result.warnings));
}

export async function handleResource(r: ResourceRequest, rt: ResourceType): Promise<void> {
  const { info, query, api, req, res } = r;
  const sub = info.subresource;
  if (sub !== undefined) {
    const known = (sub === 'status' && rt.statusSubresource) || rt.extraSubresources.includes(sub);
    if (!known) throw pathNotFound();
    if (!['get', 'update', 'patch'].includes(info.verb)) throw methodNotAllowed({ group: rt.group, plural: `${rt.plural}/${sub}` }, info.verb);
  }
  if ((info.verb === 'create' && info.name !== undefined) || ((info.verb === 'update' || info.verb === 'patch') && info.name === undefined)) {
    throw methodNotAllowed({ group: rt.group, plural: rt.plural }, info.verb);
  }
  if (!rt.namespaced && info.namespace !== undefined) throw pathNotFound();
  if (rt.namespaced && info.namespace === undefined && !['list', 'watch'].includes(info.verb)) throw pathNotFound();
  const name = info.name ?? '';

  switch (info.verb) {
    case 'get': {
      const obj = getObject(api, rt, info.namespace, name);
      if (wantsTable(req.headers.accept)) {
        sendJson(res, 200, tableOf(rt, [obj], api.now(), String(api.store.resourceVersion), query));
      } else {
        sendJson(res, 200, objectJson(obj, rt.apiVersion));
      }
      return;
    }
    case 'list': {
      const matches = selectorOf(rt, query.get('labelSelector'), query.get('fieldSelector'));
      const list = listObjects(api, rt, info.namespace, matches, parseIntParam(query, 'limit'), query.get('continue') ?? undefined);
      const metadata = {
        resourceVersion: list.resourceVersion,
        ...(list.continueToken === undefined ? {} : { continue: list.continueToken, remainingItemCount: list.remainingItemCount }),
      };
      if (wantsTable(req.headers.accept)) {
        const table = tableOf(rt, list.items, api.now(), list.resourceVersion, query) as { metadata?: object };
        table.metadata = { ...(table.metadata ?? {}), ...metadata };
        sendJson(res, 200, table);
        return;
      }
      const items = list.items.map((o) => objectJson(o, rt.apiVersion)).join(',');
      sendJson(res, 200, `{"apiVersion":${JSON.stringify(rt.apiVersion)},"kind":${JSON.stringify(rt.listKind)},"metadata":${JSON.stringify(metadata)},"items":[${items}]}`);
      return;
    }
    case 'watch': {
      const matches = selectorOf(rt, query.get('labelSelector'), query.get('fieldSelector'));
      const rvParam = query.get('resourceVersion');
      let sinceRv: number | undefined;
      if (rvParam !== null && rvParam !== '' && rvParam !== '0') {
        sinceRv = Number(rvParam);
        if (!Number.isSafeInteger(sinceRv) || sinceRv < 0) throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rvParam)}: must be a non-negative integer`);
      }
      const table = wantsTable(req.headers.accept);
      serveWatch(
        req,
        res,
        {
          store: api.store,
          storageKey: rt.storageKey,
          namespace: rt.namespaced ? info.namespace : undefined,
          matches,
          sinceRv,
          timeoutSeconds: parseIntParam(query, 'timeoutSeconds'),
          bookmarks: query.get('allowWatchBookmarks') === 'true',
          bookmarkIntervalMs: r.bookmarkIntervalMs,
          encode: table
            ? (obj) => JSON.stringify(tableOf(rt, [obj], api.now(), obj.metadata.resourceVersion ?? '', query))
            : (obj) => objectJson(obj, rt.apiVersion),
          bookmarkKind: { kind: rt.kind, apiVersion: rt.apiVersion },
        },
        r.openWatches,
      );
      return;
    }
    case 'create': {
      const options = writeOptionsOf(query, req.headers['user-agent']);
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      sendWriteResult(r, rt, createObject(api, rt, info.namespace, body, options), 201);
      return;
    }
    case 'update': {
      const options = writeOptionsOf(query, req.headers['user-agent']);
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      sendWriteResult(r, rt, updateObject(api, rt, info.namespace, name, sub, body, options), 201);
      return;
    }
    case 'patch': {
      const options = writeOptionsOf(query, req.headers['user-agent']);
      const type = patchTypeOf(rt, req.headers['content-type']);
      const raw = await readBody(req);
      sendWriteResult(r, rt, patchObject(api, rt, info.namespace, name, sub, type, raw, options), 201);
      return;
    }
    case 'delete': {
      const raw = await readBody(req);
      const body = raw.length > 0 ? decodeBody(raw, req.headers['content-type']) : undefined;
      const result = deleteObject(api, rt, info.namespace, name, deleteOptionsOf(body, query));
      if (result.kind === 'object') sendJson(res, 200, objectJson(result.object, rt.apiVersion));
      else sendJson(res, 200, result.status);
      return;
    }
    case 'deletecollection': {
      if (rt.plural === 'namespaces' && rt.group === '') throw methodNotAllowed({ group: rt.group, plural: rt.plural }, 'deletecollection');
      const raw = await readBody(req);
      const body = raw.length > 0 ? decodeBody(raw, req.headers['content-type']) : undefined;
      const matches = selectorOf(rt, query.get('labelSelector'), query.get('fieldSelector'));
      const deleted = deleteCollection(api, rt, info.namespace, matches, deleteOptionsOf(body, query));
      const items = deleted.map((o) => objectJson(o, rt.apiVersion)).join(',');
      sendJson(res, 200, `{"apiVersion":${JSON.stringify(rt.apiVersion)},"kind":${JSON.stringify(rt.listKind)},"metadata":{"resourceVersion":"${api.store.resourceVersion}"},"items":[${items}]}`);
      return;
    }
    default: {
      const _exhaustive: never = info.verb;
      throw notFound({ group: rt.group, plural: rt.plural }, String(_exhaustive));
    }
  }
}
