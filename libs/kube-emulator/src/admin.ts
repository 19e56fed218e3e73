/**
 * The emulator's own admin endpoint under `/_emulator/` (token of an unrestricted user):
 *   GET|POST|DELETE /_emulator/faults      read, replace, clear the fault settings
 *   GET|DELETE      /_emulator/requests    read (`?verb=&resource=&namespace=&name=`) or clear the request log
 *   POST            /_emulator/watches/drop     reset every open watch connection
 *   POST            /_emulator/watches/end      end every open watch cleanly
 *   POST            /_emulator/history/compact  forget the watch history (watches from older RVs get 410)
 *   POST            /_emulator/outage           `{"durationMs": N}`: stop listening, start again after N ms
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, forbidden, unauthorized } from './pure/index.ts';
import type { Identity } from './auth.ts';
import { FaultValidationError, type FaultSettings, type Faults } from './faults.ts';
import { readBody, sendJson } from './http-util.ts';
import { isJsonObject } from './object.ts';
import type { Verb } from './request-info.ts';
import type { RequestLog, RequestLogFilter } from './request-log.ts';
import { pathNotFound } from './handlers/resource.ts';

export interface AdminActions {
  readonly faults: Faults;
  readonly requestLog: RequestLog;
  dropWatches(): number;
  endWatches(): number;
  compactHistory(): void;
  /** Stops listening now and starts again after `durationMs`. */
  outage(durationMs: number): void;
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw badRequest(`invalid JSON: ${(err as Error).message}`);
  }
}

export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  identity: Identity | undefined,
  actions: AdminActions,
): Promise<void> {
  if (!identity) throw unauthorized();
  if (identity.rules) throw forbidden({ group: '', plural: '_emulator' }, '', `User ${JSON.stringify(identity.user)} cannot use the emulator admin endpoint`);
  const method = req.method ?? 'GET';
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /_emulator/faults':
      sendJson(res, 200, actions.faults.get());
      return;
    case 'POST /_emulator/faults':
    case 'PUT /_emulator/faults': {
      const body = await jsonBody(req);
      if (!isJsonObject(body)) throw badRequest('fault settings must be a JSON object');
      try {
        actions.faults.set(body as FaultSettings);
      } catch (err) {
        if (err instanceof FaultValidationError) throw badRequest(err.message);
        throw err;
      }
      sendJson(res, 200, actions.faults.get());
      return;
    }
    case 'DELETE /_emulator/faults':
      actions.faults.clear();
      sendJson(res, 200, actions.faults.get());
      return;
    case 'GET /_emulator/requests': {
      const filter: RequestLogFilter = {
        ...(query.get('verb') ? { verb: query.getAll('verb') as Verb[] } : {}),
        ...(query.get('resource') ? { resource: query.get('resource') ?? '' } : {}),
        ...(query.get('namespace') ? { namespace: query.get('namespace') ?? '' } : {}),
        ...(query.get('name') ? { name: query.get('name') ?? '' } : {}),
        ...(query.get('method') ? { method: query.get('method') ?? '' } : {}),
      };
      sendJson(res, 200, { items: actions.requestLog.entries(filter) });
      return;
    }
    case 'DELETE /_emulator/requests':
      actions.requestLog.clear();
      sendJson(res, 200, { items: [] });
      return;
    case 'POST /_emulator/watches/drop':
      sendJson(res, 200, { dropped: actions.dropWatches() });
      return;
    case 'POST /_emulator/watches/end':
      sendJson(res, 200, { ended: actions.endWatches() });
      return;
    case 'POST /_emulator/history/compact':
      actions.compactHistory();
      sendJson(res, 200, { compacted: true });
      return;
    case 'POST /_emulator/outage': {
      const body = await jsonBody(req);
      const durationMs = isJsonObject(body) ? body['durationMs'] : undefined;
      if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0) throw badRequest('durationMs must be a non-negative number');
      sendJson(res, 202, { outageMs: durationMs }, { Connection: 'close' });
      res.once('finish', () => actions.outage(durationMs));
      return;
    }
    default:
      throw pathNotFound();
  }
}
