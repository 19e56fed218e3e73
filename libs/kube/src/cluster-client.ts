/**
 * A typed client for one cluster (one kubeconfig context): the AMKO kinds, AMKOCluster /status,
 * Leases, Secrets and informers. Every call has a timeout and every failure is a classified
 * domain error. Everything goes through the lean request path (kube-transport.ts); client-node is
 * only loaded for a context whose credentials it must produce (exec plugins, auth providers,
 * proxies: see kubeconfig-context.ts) or when the caller hands in a KubeConfig.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { type KindInfo, type KubeObject } from '@amko-fed/domain';
import type { Lease, Secret } from './core-objects.ts';
import { kubeConfigForContext } from './kube-config.ts';
import { readContextAccess } from './kubeconfig-context.ts';
import { createKubeTransport, transportOptionsOf, type KubeRequest, type KubeTransport } from './kube-transport.ts';
import { LIST_PAGE_SIZE, pagesOf } from './list-pages.ts';
import { fixedCredentials } from './request-credentials.ts';
import { resourcePath, segment } from './resource-path.ts';
import { createResilientInformer, type InformerHandlers, type ResilientInformer } from './resilient-informer.ts';

export const FIELD_MANAGER = 'amko-federation';

export interface ObjectList {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
}

/** An informer on one kind in one namespace of the client's cluster. */
export interface ClusterInformerOptions {
  readonly kind: KindInfo;
  readonly namespace: string;
  readonly handlers: InformerHandlers;
  /** Restart backoff. @defaultValue { baseMs: 250, capMs: 10_000 } */
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
  /** Timeout of each list call (one page). @defaultValue 10_000 */
  readonly listTimeoutMs?: number;
  /** Objects per list page. @defaultValue LIST_PAGE_SIZE (500) */
  readonly pageSize?: number;
  /** The server-side timeout of each watch, drawn between these. @defaultValue { minS: 300, maxS: 600 } */
  readonly watchTimeout?: { readonly minS: number; readonly maxS: number };
}

export interface ClusterClient {
  /** The kubeconfig context this client talks to. */
  readonly context: string;
  /** The API server URL (no credentials). */
  readonly server: string;
  get(kind: KindInfo, namespace: string, name: string): Promise<KubeObject | undefined>;
  /** All objects of a kind in a namespace, or in every namespace when `namespace` is undefined. */
  list(kind: KindInfo, namespace: string | undefined): Promise<ObjectList>;
  /**
   * The objects of a kind in a namespace, page by page (`limit` / `continue`), so that a large
   * listing is never one response in memory: for callers that keep only something of each object.
   * A page after an expired continue token fails with the API server's 410.
   */
  listPages(kind: KindInfo, namespace: string, pageSize?: number): AsyncIterable<readonly KubeObject[]>;
  create(kind: KindInfo, namespace: string, body: KubeObject): Promise<KubeObject>;
  /** PUT with the body's metadata.resourceVersion (optimistic concurrency: 409 on a stale one). */
  replace(kind: KindInfo, namespace: string, name: string, body: KubeObject): Promise<KubeObject>;
  /** JSON merge patch on the main resource. */
  mergePatch(kind: KindInfo, namespace: string, name: string, patch: object): Promise<KubeObject>;
  /** Deletes; `false` when it was already absent. A stale `resourceVersion` precondition gives 409. */
  delete(kind: KindInfo, namespace: string, name: string, preconditions?: { resourceVersion?: string | undefined }): Promise<boolean>;
  /** JSON merge patch of `/status` (replaces `status.conditions` as a whole, like AMKO). */
  patchStatus(kind: KindInfo, namespace: string, name: string, status: object): Promise<KubeObject>;
  /** coordination.k8s.io/v1 Lease; undefined when absent. */
  getLease(namespace: string, name: string): Promise<Lease | undefined>;
  /** 409 when it exists. */
  createLease(namespace: string, lease: Lease): Promise<Lease>;
  /** PUT with the body's metadata.resourceVersion (409 on a stale one). */
  replaceLease(namespace: string, name: string, lease: Lease): Promise<Lease>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /**
   * A list+watch informer on this cluster that restarts itself (see resilient-informer.ts); not
   * started: call `start()`. It uses this client's transport and credentials.
   */
  informer(options: ClusterInformerOptions): ResilientInformer;
}

export interface ClusterClientOptions {
  readonly context: string;
  readonly kubeConfig: KubeConfig;
  /** Per-request timeout. @defaultValue 10_000 */
  readonly timeoutMs?: number;
  /** Most connections to the API server at once (the CRUD calls). @defaultValue unlimited */
  readonly maxConnections?: number;
  /** Told of every request on the AMKO kinds and AMKOCluster status (not Leases, Secrets or informers' lists and watches), for metrics. */
  readonly onRequest?: KubeRequestObserver;
}

/** One request sent: its verb (get, list, create, replace, patch, delete, patch-status) and HTTP code, or "error" without an answer. */
export type KubeRequestObserver = (request: { readonly cluster: string; readonly verb: string; readonly code: string }) => void;

export function observing(context: string, observer: KubeRequestObserver | undefined): ((request: KubeRequest, code: string) => void) | undefined {
  if (observer === undefined) return undefined;
  return (request, code) => {
    const verb = request.operation.startsWith('patch status of') ? 'patch-status' : (request.operation.split(' ')[0] ?? 'unknown');
    observer({ cluster: context, verb, code });
  };
}


const WRITE_QUERY = `?fieldManager=${FIELD_MANAGER}`;

/** `/apis/coordination.k8s.io/v1/namespaces/<ns>/leases[/<name>]`. */
const leasePath = (namespace: string, name?: string): string =>
  `/apis/coordination.k8s.io/v1/namespaces/${segment(namespace)}/leases${name === undefined ? '' : `/${segment(name)}`}`;
const MERGE_PATCH = 'application/merge-patch+json';

export function createClusterClient(options: ClusterClientOptions): ClusterClient {
  const { context, kubeConfig } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const transport = createKubeTransport({ ...transportOptionsOf(kubeConfig, timeoutMs, options.maxConnections), onResponse: observing(context, options.onRequest) });
  return buildClusterClient({ context, transport });
}

export interface ClusterClientForContextOptions {
  /** Per-request timeout. @defaultValue 10_000 */
  readonly timeoutMs?: number;
  /** Most connections to the API server at once (the CRUD calls). @defaultValue unlimited */
  readonly maxConnections?: number;
  /** Told of every request on the AMKO kinds and AMKOCluster status, for metrics. */
  readonly onRequest?: KubeRequestObserver;
}

/**
 * The client of `context` in the kubeconfig `kubeconfigText`, without loading client-node when the
 * context's credentials are static (token or token file, basic auth, client certificate). Exec
 * plugins, auth providers and proxies go through a client-node KubeConfig (loaded at once).
 * Throws KubeConfigError like `kubeConfigForContext`.
 */
export function clusterClientForContext(kubeconfigText: string, context: string, options: ClusterClientForContextOptions = {}): ClusterClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const access = readContextAccess(kubeconfigText, context);
  const onResponse = observing(context, options.onRequest);
  const transport = access.kind === 'static'
    ? createKubeTransport({ server: access.server, credentials: fixedCredentials(access.credentials), timeoutMs, problem: access.problem, maxConnections: options.maxConnections, onResponse })
    : createKubeTransport({ ...transportOptionsOf(kubeConfigForContext(kubeconfigText, context), timeoutMs, options.maxConnections), onResponse });
  return buildClusterClient({ context, transport });
}

/** The client over a transport built elsewhere (e.g. the in-cluster service account: in-cluster.ts). */
export function buildClusterClient(parts: { readonly context: string; readonly transport: KubeTransport }): ClusterClient {
  const { context, transport } = parts;

  const describe = (verb: string, kind: KindInfo | string, namespace?: string, name?: string) =>
    `${verb} ${typeof kind === 'string' ? kind : kind.kind}${namespace !== undefined ? ` ${namespace}${name !== undefined ? `/${name}` : ''}` : ''} on ${context}`;

  const send = transport.send;

  return {
    context,
    server: transport.server,
    get: (kind, namespace, name) =>
      send({ method: 'GET', path: resourcePath(kind, namespace, name), absentOk: true, operation: describe('get', kind, namespace, name) }) as Promise<KubeObject | undefined>,
    list: async (kind, namespace) => {
      const body = (await send({ method: 'GET', path: resourcePath(kind, namespace), operation: describe('list', kind, namespace) })) as
        | { items?: KubeObject[]; metadata?: { resourceVersion?: string } }
        | undefined;
      return { items: body?.items ?? [], resourceVersion: body?.metadata?.resourceVersion ?? '' };
    },
    async *listPages(kind, namespace, pageSize = LIST_PAGE_SIZE) {
      for await (const page of pagesOf(send, { method: 'GET', path: resourcePath(kind, namespace), operation: describe('list', kind, namespace) }, pageSize)) yield page.items;
    },
    create: (kind, namespace, body) =>
      send({ method: 'POST', path: resourcePath(kind, namespace) + WRITE_QUERY, body, operation: describe('create', kind, namespace, body.metadata.name) }) as Promise<KubeObject>,
    replace: (kind, namespace, name, body) =>
      send({ method: 'PUT', path: resourcePath(kind, namespace, name) + WRITE_QUERY, body, operation: describe('replace', kind, namespace, name) }) as Promise<KubeObject>,
    mergePatch: (kind, namespace, name, patch) =>
      send({ method: 'PATCH', path: resourcePath(kind, namespace, name) + WRITE_QUERY, body: patch, contentType: MERGE_PATCH, operation: describe('patch', kind, namespace, name) }) as Promise<KubeObject>,
    delete: async (kind, namespace, name, preconditions) => {
      const body = preconditions?.resourceVersion ? { preconditions: { resourceVersion: preconditions.resourceVersion } } : undefined;
      const done = await send({ method: 'DELETE', path: resourcePath(kind, namespace, name), body, absentOk: true, operation: describe('delete', kind, namespace, name) });
      return done !== undefined;
    },
    patchStatus: (kind, namespace, name, status) =>
      send({
        method: 'PATCH',
        path: resourcePath(kind, namespace, name, true) + WRITE_QUERY,
        body: { status },
        contentType: MERGE_PATCH,
        operation: describe('patch status of', kind, namespace, name),
      }) as Promise<KubeObject>,
    getLease: (namespace, name) =>
      send({ method: 'GET', path: leasePath(namespace, name), absentOk: true, unobserved: true, operation: describe('get', 'Lease', namespace, name) }) as Promise<Lease | undefined>,
    createLease: (namespace, lease) =>
      send({ method: 'POST', path: leasePath(namespace) + WRITE_QUERY, body: lease, unobserved: true, operation: describe('create', 'Lease', namespace, lease.metadata?.name) }) as Promise<Lease>,
    replaceLease: (namespace, name, lease) =>
      send({ method: 'PUT', path: leasePath(namespace, name) + WRITE_QUERY, body: lease, unobserved: true, operation: describe('replace', 'Lease', namespace, name) }) as Promise<Lease>,
    getSecret: (namespace, name) =>
      send({ method: 'GET', path: `/api/v1/namespaces/${segment(namespace)}/secrets/${segment(name)}`, absentOk: true, unobserved: true, operation: describe('get', 'Secret', namespace, name) }) as Promise<Secret | undefined>,
    informer: (options) => createResilientInformer({ ...options, transport, context }),
  };
}
