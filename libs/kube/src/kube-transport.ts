/**
 * The lean request path to one API server, for the hot CRUD calls of a ClusterClient.
 *
 * Why not client-node's generated APIs: on every call they build a RequestContext, run an
 * Observable middleware chain, go through undici's `fetch` (WHATWG Request/Response/Headers
 * objects, stream adapters), re-serialise the body through ObjectSerializer and, for every
 * non-2xx answer (a 404 on every "is it there?" GET), build an ApiException with a formatted
 * message. Measured: about half of the replicator's CPU. Here a request is one `Pool.request`
 * (undici, keep-alive, one pool per client), its body is read as text and parsed once, a 404 can
 * be an expected answer, and failures go straight to the domain's classified errors.
 *
 * client-node's KubeConfig still does what it is good at: parsing, auth (tokens, basic auth,
 * client certificates, exec plugins, auth providers; see request-credentials.ts) and the mapping
 * of a cluster's TLS and proxy settings (`createDispatcherOptions`).
 *
 * Timeouts: `timeoutMs` bounds each phase with undici's own timers (connect, then response
 * headers, then each gap between body chunks), so no per-request timer or AbortSignal outlives
 * its request. A server that accepts and never answers fails after `timeoutMs`.
 */
import { ProxyAgent, Pool, type Dispatcher } from 'undici';
import type { AgentOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import { UnavailableError } from '@amko-fed/domain';
import { errorForResponse, toKubeError } from './kube-error.ts';
import { createCredentialSource, sameTls, type CredentialSource, type RequestCredentials, type TlsMaterial } from './request-credentials.ts';

export type KubeMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface KubeRequest {
  readonly method: KubeMethod;
  /** The API path with its query, e.g. `/apis/amko.vmware.com/v1alpha1/namespaces/avi-system/gslbconfigs/gc-1`. */
  readonly path: string;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** @defaultValue "application/json" when there is a body */
  readonly contentType?: string;
  /** A 404 answer resolves to `undefined` instead of failing. */
  readonly absentOk?: boolean;
  /** For error messages, e.g. "get GSLBConfig avi-system/gc-1 on cluster2". */
  readonly operation: string;
  /** Aborts the request (e.g. an informer being stopped); it then fails as unavailable. */
  readonly signal?: AbortSignal | undefined;
  /** This request's timeout instead of the transport's `timeoutMs`. */
  readonly timeoutMs?: number | undefined;
  /** Not told to `onResponse` (requests that are not part of the metrics: Leases, Secrets, informer lists). */
  readonly unobserved?: boolean | undefined;
}

/** A streaming GET: a watch. */
export interface KubeStreamRequest {
  /** The API path with its query (`?watch=true&…`). */
  readonly path: string;
  readonly operation: string;
  /** Aborts the request and its body (an informer being stopped). */
  readonly signal: AbortSignal;
  /**
   * Longest gap between two body chunks. A watch with a server-side `timeoutSeconds` should allow
   * more than that (the server ends it); the transport's `timeoutMs` still bounds connect and headers.
   */
  readonly bodyTimeoutMs: number;
}

export interface TransportStats {
  /** Open connections. */
  readonly connected: number;
  /** Open connections without a request. */
  readonly free: number;
  /** Requests in flight or waiting for a connection. */
  readonly size: number;
  /** Connections opened since the transport was created (keep-alive keeps this low). */
  readonly connectionsOpened: number;
}

export interface KubeTransport {
  /** The API server URL (no credentials). */
  readonly server: string;
  /** The parsed JSON answer; `undefined` for a 404 when `absentOk`. Failures are classified domain errors. */
  send(request: KubeRequest): Promise<unknown>;
  /**
   * Sends a streaming GET; resolves with the body (chunks as they arrive) once a 2xx answer's
   * headers came. A failure status is read and thrown as a classified error, like `send`.
   */
  stream(request: KubeStreamRequest): Promise<AsyncIterable<Buffer>>;
  /** Connection figures of the pool; undefined behind a proxy or before the first request. */
  stats(): TransportStats | undefined;
  /** Closes the connections once the requests in flight are done. */
  close(): Promise<void>;
}

export interface KubeTransportOptions {
  /** The API server URL (a path prefix is kept). */
  readonly server: string;
  readonly credentials: CredentialSource;
  /** Connect, response-headers and body-gap timeout. @defaultValue 10_000 */
  readonly timeoutMs?: number;
  /**
   * For a cluster behind a proxy (kubeconfig proxy-url): client-node's KubeConfig maps it to a
   * dispatcher. Direct connections never need it.
   */
  readonly proxiedBy?: KubeConfig | undefined;
  /** When set, every request fails with this (secret-free) reason, e.g. a forbidden `http://`. */
  readonly problem?: string | undefined;
  /**
   * Most connections open at once; further requests wait for a free one (their timeouts start
   * when they are sent). @defaultValue unlimited (undici may then open two per parallel request)
   */
  readonly maxConnections?: number | undefined;
  /** Told of every request sent: the HTTP status code, or "error" when no answer came (for metrics). */
  readonly onResponse?: ((request: KubeRequest, code: string) => void) | undefined;
}

export const USER_AGENT = 'amko-federation';

/** What every request sends: the credentials' headers, JSON accepted, our user agent. */
function headersOf(current: RequestCredentials): Record<string, string> {
  return { ...current.headers, accept: 'application/json', 'user-agent': USER_AGENT };
}

/** A non-2xx answer as a classified error. */
function failureOf(statusCode: number, text: string, headers: Dispatcher.ResponseData['headers'], operation: string): Error {
  return errorForResponse(statusCode, text, headers, operation) ?? new UnavailableError(`${operation}: HTTP ${statusCode}`);
}

/**
 * Idle connections are kept this long (the server's `Keep-Alive: timeout=` hint wins when lower).
 * Below the 60 s idle timeout of common load balancers; long enough that a follower touched every
 * few seconds (fence checks, probes) keeps its connection.
 */
const KEEP_ALIVE_MS = 30_000;
/** TCP keep-alive probes, as client-node and client-go use. */
const TCP_KEEP_ALIVE_DELAY_MS = 30_000;

function definedTls(tls: TlsMaterial): AgentOptions {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tls)) if (value !== undefined) options[key] = value;
  return options as AgentOptions;
}

/**
 * One TLS context (CA store, client certificate) for all connections of a pool. Given `ca`/`cert`/
 * `key` instead, `tls.connect` parses them into a new context for every connection.
 */
function directTls(agentOptions: AgentOptions): Record<string, unknown> {
  const { ca, cert, key, pfx, passphrase, ...rest } = agentOptions;
  if (ca === undefined && cert === undefined && key === undefined && pfx === undefined) return rest;
  return { ...rest, secureContext: createSecureContext({ ca, cert, key, pfx, passphrase }) };
}

interface Built {
  readonly dispatcher: Dispatcher;
  readonly pool: Pool | undefined;
  readonly tls: TlsMaterial;
}

/** The transport of a client-node KubeConfig's current context (credentials asked from it). */
export function transportOptionsOf(kubeConfig: KubeConfig, timeoutMs?: number, maxConnections?: number): KubeTransportOptions {
  const cluster = kubeConfig.getCurrentCluster();
  return { server: cluster?.server ?? '', credentials: createCredentialSource(kubeConfig), timeoutMs, maxConnections, proxiedBy: cluster?.proxyUrl ? kubeConfig : undefined };
}

export function createKubeTransport(options: KubeTransportOptions): KubeTransport {
  const { server, credentials } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const url = URL.canParse(server) ? new URL(server) : undefined;
  const origin = url?.origin ?? '';
  /** A server URL may carry a path prefix (e.g. behind Rancher: https://host/k8s/clusters/c-1). */
  const basePath = url?.pathname.replace(/\/+$/, '') ?? '';
  let built: Built | undefined;
  let connectionsOpened = 0;

  function build(tls: TlsMaterial): Built {
    const agentOptions = definedTls(tls);
    const poolOptions = { keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS * 2, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
    const proxied = options.proxiedBy;
    if (proxied === undefined) {
      const pool = new Pool(origin, { ...poolOptions, connections: options.maxConnections ?? null, connect: { ...directTls(agentOptions), keepAlive: true, keepAliveInitialDelay: TCP_KEEP_ALIVE_DELAY_MS, timeout: timeoutMs } });
      pool.on('connect', () => {
        connectionsOpened += 1;
      });
      return { dispatcher: pool, pool, tls };
    }
    const cluster = proxied.getCurrentCluster();
    const plan = proxied.createDispatcherOptions(cluster, agentOptions);
    if (plan.type === 'proxy') {
      return { dispatcher: new ProxyAgent({ ...poolOptions, uri: plan.uri, requestTls: { ...plan.requestTls, timeout: timeoutMs }, connect: { ...plan.connect, timeout: timeoutMs } }), pool: undefined, tls };
    }
    // SOCKS: client-node's connector (v4 and v5) is not exported; its dispatcher is undici's Agent.
    const factory = proxied as unknown as { createDispatcher(c: typeof cluster, o: AgentOptions): Dispatcher | undefined };
    const dispatcher = factory.createDispatcher(cluster, agentOptions);
    if (dispatcher === undefined) throw new UnavailableError(`no dispatcher for the proxy of ${origin}`);
    return { dispatcher, pool: undefined, tls };
  }

  /** The dispatcher for these credentials: built once, rebuilt when a rotating user's client certificate changed. */
  function dispatcherFor(current: RequestCredentials): Dispatcher {
    if (built !== undefined && (!credentials.rotating || sameTls(built.tls, current.tls))) return built.dispatcher;
    const previous = built;
    built = build(current.tls);
    if (previous !== undefined) previous.dispatcher.close().catch(() => undefined);
    return built.dispatcher;
  }

  /** The credentials for the next request (a rotating source is asked every time). */
  async function credentialsFor(operation: string): Promise<RequestCredentials> {
    if (options.problem !== undefined) throw new UnavailableError(`${operation}: ${options.problem}`);
    if (url === undefined) throw new UnavailableError(`${operation}: the kubeconfig's server URL cannot be parsed`);
    try {
      return await credentials.current();
    } catch (err) {
      // An exec plugin's stderr or an auth provider's message may quote a credential: only the kind of failure is kept.
      const name = err instanceof Error ? err.name : 'Error';
      throw new UnavailableError(`${operation}: could not get the credentials of the kubeconfig user (${name})`);
    }
  }

  async function send(request: KubeRequest): Promise<unknown> {
    const current = await credentialsFor(request.operation);
    const observe = request.unobserved === true ? undefined : options.onResponse;
    const requestTimeoutMs = request.timeoutMs ?? timeoutMs;
    const headers = headersOf(current);
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = request.contentType ?? 'application/json';
    }
    let answer: Dispatcher.ResponseData;
    let text: string;
    try {
      const dispatcher = dispatcherFor(current);
      try {
        answer = await dispatcher.request({
          origin,
          path: basePath + request.path,
          method: request.method,
          headers,
          body,
          headersTimeout: requestTimeoutMs,
          bodyTimeout: requestTimeoutMs,
          signal: request.signal,
        });
      } catch (err) {
        observe?.(request, 'error');
        throw err;
      }
      observe?.(request, String(answer.statusCode));
      if (answer.statusCode === 404 && request.absentOk) {
        await answer.body.dump();
        return undefined;
      }
      text = await answer.body.text();
    } catch (err) {
      throw toKubeError(err, request.operation);
    }
    const { statusCode } = answer;
    if (statusCode < 200 || statusCode >= 300) {
      throw failureOf(statusCode, text, answer.headers, request.operation);
    }
    if (text.length === 0) return {}; // e.g. a DELETE answered without a body: still "done"
    try {
      return JSON.parse(text);
    } catch {
      throw new UnavailableError(`${request.operation}: the API server answered HTTP ${statusCode} with a body that is not JSON`);
    }
  }

  async function stream(request: KubeStreamRequest): Promise<AsyncIterable<Buffer>> {
    const current = await credentialsFor(request.operation);
    const headers = headersOf(current);
    let answer: Dispatcher.ResponseData;
    try {
      answer = await dispatcherFor(current).request({
        origin,
        path: basePath + request.path,
        method: 'GET',
        headers,
        headersTimeout: timeoutMs,
        bodyTimeout: request.bodyTimeoutMs,
        signal: request.signal,
      });
    } catch (err) {
      throw toKubeError(err, request.operation);
    }
    const { statusCode } = answer;
    if (statusCode >= 200 && statusCode < 300) return answer.body;
    let text = '';
    try {
      text = await answer.body.text();
    } catch (err) {
      throw toKubeError(err, request.operation);
    }
    throw failureOf(statusCode, text, answer.headers, request.operation);
  }

  return {
    server,
    send,
    stream,
    stats() {
      const pool = built?.pool;
      if (pool === undefined) return undefined;
      const { connected, free, size } = pool.stats;
      return { connected, free, size, connectionsOpened };
    },
    async close() {
      await built?.dispatcher.close();
    },
  };
}
