/**
 * The request pipeline of one emulated API server: request log → admin endpoint → public
 * endpoints → authentication (401) → faults → authorisation (403) → discovery / OpenAPI /
 * resources. Every answer is JSON (a `Status` for errors) except the health probes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ApiError, forbidden, internalError, serviceUnavailable, tooManyRequests, unauthorized } from './pure/index.ts';
import { handleAdmin, type AdminActions } from './admin.ts';
import type { ApiContext } from './api/context.ts';
import { isAllowed, type Authenticator, type Identity } from './auth.ts';
import { aggregatedDiscovery, aggregatedDiscoveryTypes, aggregatedDiscoveryVersion, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import type { Faults } from './faults.ts';
import { handleResource, pathNotFound } from './handlers/resource.ts';
import { sendError, sendJson } from './http-util.ts';
import type { OpenApiDocuments } from './openapi-documents.ts';
import { requestInfoOf, type GroupVersionRequestInfo, type RequestInfo } from './request-info.ts';
import type { RequestLog, RequestLogEntry } from './request-log.ts';
import { rfc3339 } from './object.ts';
import type { OpenWatches } from './watch.ts';

export interface ServerContext {
  readonly api: ApiContext;
  readonly auth: Authenticator;
  readonly faults: Faults;
  readonly requestLog: RequestLog;
  readonly openWatches: OpenWatches;
  readonly openapi: OpenApiDocuments;
  readonly bookmarkIntervalMs: number;
  /** `host:port` the server is reachable at (for `/api`'s serverAddressByClientCIDRs). */
  readonly serverAddress: () => string;
  readonly admin: AdminActions;
}

export const versionInfo = {
  major: '1',
  minor: '32',
  emulationMajor: '1',
  emulationMinor: '32',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '31',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:59:15Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

const probes = new Set(['/healthz', '/readyz', '/livez']);

function isPublic(path: string): boolean {
  if (path === '/version' || path === '/version/') return true;
  const base = '/' + (path.split('/')[1] ?? '');
  return probes.has(base);
}

function injectedError(status: number, retryAfterSeconds: number): ApiError {
  switch (status) {
    case 429:
      return tooManyRequests(retryAfterSeconds);
    case 500:
      return internalError('injected fault');
    case 503: {
      const error = serviceUnavailable('the server is currently unable to handle the request (injected fault)');
      error.status.details = { retryAfterSeconds };
      return error;
    }
    default:
      return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `injected fault ${status}`, reason: 'InternalError', code: status });
  }
}

function serveDiscovery(sc: ServerContext, req: IncomingMessage, res: ServerResponse, info: GroupVersionRequestInfo): void {
  const registry = sc.api.registry;
  const aggregated = aggregatedDiscoveryVersion(req.headers.accept);
  if (info.legacy) {
    if (info.version === undefined) {
      if (aggregated) {
        sendJson(res, 200, aggregatedDiscovery(registry, true, aggregated), { Vary: 'Accept' }, aggregatedDiscoveryTypes[aggregated]);
      } else {
        sendJson(res, 200, apiVersions(sc.serverAddress()), { Vary: 'Accept' });
      }
      return;
    }
    if (info.version !== 'v1') throw pathNotFound();
    sendJson(res, 200, apiResourceList(registry, '', 'v1'));
    return;
  }
  if (info.group === undefined) {
    if (aggregated) {
      sendJson(res, 200, aggregatedDiscovery(registry, false, aggregated), { Vary: 'Accept' }, aggregatedDiscoveryTypes[aggregated]);
    } else {
      sendJson(res, 200, apiGroupList(registry), { Vary: 'Accept' });
    }
    return;
  }
  const versions = registry.versionsOf(info.group);
  if (versions.length === 0) throw pathNotFound();
  if (info.version === undefined) {
    sendJson(res, 200, apiGroup(registry, info.group));
    return;
  }
  if (!versions.includes(info.version)) throw pathNotFound();
  sendJson(res, 200, apiResourceList(registry, info.group, info.version));
}

function faultTarget(info: RequestInfo, method: string): Parameters<Faults['decide']>[0] {
  if (info.type === 'resource') return { verb: info.verb, resource: info.plural, namespace: info.namespace };
  return { verb: method === 'GET' ? 'get' : method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method === 'DELETE' ? 'delete' : 'patch', resource: undefined, namespace: undefined };
}

async function route(sc: ServerContext, req: IncomingMessage, res: ServerResponse, url: URL, info: RequestInfo, identity: Identity | undefined): Promise<void> {
  const path = url.pathname;
  if (path === '/version' || path === '/version/') {
    sendJson(res, 200, versionInfo);
    return;
  }
  if (isPublic(path)) {
    const body = 'ok';
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': body.length });
    res.end(body);
    return;
  }
  if (!identity) throw unauthorized();
  switch (info.type) {
    case 'discovery':
      serveDiscovery(sc, req, res, info);
      return;
    case 'resource': {
      const rt = sc.api.registry.lookup(info.group, info.version, info.plural);
      if (!rt) throw pathNotFound();
      if (!isAllowed(identity, info)) {
        const plural = info.subresource ? `${info.plural}/${info.subresource}` : info.plural;
        throw forbidden({ group: info.group, plural }, info.name ?? '', {
          user: identity.user,
          verb: info.verb,
          ...(rt.namespaced && info.namespace !== undefined ? { namespace: info.namespace } : {}),
        });
      }
      await handleResource(
        {
          req,
          res,
          query: url.searchParams,
          info,
          api: sc.api,
          openWatches: sc.openWatches,
          bookmarkIntervalMs: sc.bookmarkIntervalMs,
        },
        rt,
      );
      return;
    }
    case 'nonResource':
      if (path.startsWith('/openapi/')) {
        const doc = sc.openapi.serve(path, url.searchParams);
        if (!doc) throw pathNotFound();
        res.writeHead(200, { 'Content-Type': doc.contentType, 'Content-Length': doc.body.length, ...(doc.etag ? { ETag: doc.etag } : {}) });
        res.end(doc.body);
        return;
      }
      throw pathNotFound();
    default: {
      const _exhaustive: never = info;
      void _exhaustive;
      throw pathNotFound();
    }
  }
}

/** Fills the log entry's status and duration when the response headers go out. */
function recordOnHeaders(res: ServerResponse, entry: RequestLogEntry, started: number): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    entry.status = typeof args[0] === 'number' ? args[0] : res.statusCode;
    entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
}

/** The `(req, res)` handler of one emulated cluster. */
export function createRequestHandler(sc: ServerContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(sc, req, res);
  };
}

async function handle(sc: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://emulator');
  } catch {
    sendJson(res, 400, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'malformed URL', reason: 'BadRequest', code: 400 });
    return;
  }
  const path = url.pathname;
  const identity = sc.auth.authenticate(req.headers.authorization);
  if (path.startsWith('/_emulator/')) {
    try {
      await handleAdmin(req, res, path, url.searchParams, identity, sc.admin);
    } catch (err) {
      if (!res.headersSent) sendError(res, err);
    }
    return;
  }
  let info: RequestInfo;
  try {
    info = requestInfoOf(method, path, url.searchParams);
  } catch {
    info = { type: 'nonResource', path };
  }
  const resource = info.type === 'resource' ? info : undefined;
  const entry: RequestLogEntry = {
    time: rfc3339(new Date()),
    method,
    path,
    query: Object.fromEntries(url.searchParams),
    status: 0,
    verb: resource?.verb,
    resource: resource?.plural,
    subresource: resource?.subresource,
    namespace: resource?.namespace,
    name: resource?.name,
    fieldManager: url.searchParams.get('fieldManager') ?? undefined,
    user: identity?.user,
    userAgent: req.headers['user-agent'],
    durationMs: 0,
    startedMs: started,
  };
  sc.requestLog.add(entry);
  recordOnHeaders(res, entry, started);
  try {
    if (identity || isPublic(path)) {
      const decision = sc.faults.decide({ ...faultTarget(info, method), user: identity?.user });
      if (decision.kind === 'hang') return;
      if (decision.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (decision.latencyMs > 0) await new Promise((r) => setTimeout(r, decision.latencyMs));
      if (decision.kind === 'error') throw injectedError(decision.status, decision.retryAfterSeconds);
    }
    await route(sc, req, res, url, info, identity);
  } catch (err) {
    if (!res.headersSent) sendError(res, err);
    else res.destroy();
  }
}
