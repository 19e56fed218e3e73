/**
 * One emulated Kubernetes API server: store, registry, HTTP(S) listener on a loopback port,
 * faults, request log and the test hooks. Several can run in one process on different ports.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError } from './pure/index.ts';
import type { AdminActions } from './admin.ts';
import { builtinType, type ApiContext } from './api/context.ts';
import { createObject } from './api/create.ts';
import { Authenticator, type TokenSpec } from './auth.ts';
import { builtinResourceTypes } from './builtins.ts';
import { defaultCrdsDir, loadCrdManifests, CrdLoadError } from './crd-loader.ts';
import { Faults } from './faults.ts';
import { Listener } from './listener.ts';
import { kubeconfigEntryOf, kubeconfigYaml, type KubeconfigEntry, type KubeconfigOptions } from './kubeconfig.ts';
import type { JsonObject } from './object.ts';
import { OpenApiDocuments } from './openapi-documents.ts';
import { Registry } from './registry.ts';
import { RequestLog } from './request-log.ts';
import { createRequestHandler } from './server.ts';
import { Store } from './store.ts';
import { tlsMaterial } from './tls.ts';
import { startTokenController } from './token-controller.ts';
import { OpenWatches } from './watch.ts';

export interface EmulatedClusterOptions {
  /** Cluster name: kubeconfig context, cluster and user names. */
  readonly name: string;
  /** Port to listen on; 0 or omitted picks a free one (kept across stop/start). */
  readonly port?: number;
  /** @defaultValue "127.0.0.1" */
  readonly host?: string;
  /** Plain HTTP instead of HTTPS (kubeconfig then carries `insecure-skip-tls-verify: true`). */
  readonly http?: boolean;
  /**
   * Serve requests without an `Authorization` header as the admin user. kubectl never sends a
   * bearer token over plain HTTP, so this mirrors the API server's old insecure port.
   * @defaultValue true for `http`, false for HTTPS
   */
  readonly anonymousAdmin?: boolean;
  /**
   * Accepted bearer tokens. The first one is the cluster's admin `token`. Strings are
   * unrestricted; `{ token, user, rules }` limits what a token may do (403 otherwise).
   * @defaultValue one random unrestricted token
   */
  readonly tokens?: readonly (string | TokenSpec)[];
  /** Directory of CRD manifests to load at start. @defaultValue the repository's deploy/crds (AMKO) unless `crds` is given */
  readonly crdsDir?: string;
  /** CRD objects to load at start (after `crdsDir`). */
  readonly crds?: readonly JsonObject[];
  /** Namespaces created at start besides default, kube-system, kube-public and kube-node-lease. @defaultValue ["avi-system"] */
  readonly namespaces?: readonly string[];
  /** Past events kept for resuming watches. @defaultValue 10000 */
  readonly historySize?: number;
  /** Interval of BOOKMARK events on watches that allow them. @defaultValue 1000 */
  readonly bookmarkIntervalMs?: number;
  /** Request log capacity. @defaultValue 10000 */
  readonly requestLogSize?: number;
  /** Clock for timestamps. @defaultValue () => new Date() */
  readonly clock?: () => Date;
  /** Randomness for generateName and fault probabilities. @defaultValue Math.random */
  readonly random?: () => number;
}

export interface EmulatedCluster extends AsyncDisposable {
  readonly name: string;
  /** `https://127.0.0.1:<port>` (or `http://...`). */
  readonly url: string;
  readonly port: number;
  /** The admin bearer token. */
  readonly token: string;
  /** PEM of the CA (undefined for HTTP). */
  readonly caPem: string | undefined;
  /** Base64 of the CA PEM, as kubeconfig's `certificate-authority-data` (undefined for HTTP). */
  readonly caData: string | undefined;
  readonly kubeconfigEntry: KubeconfigEntry;
  /** A kubeconfig holding only this cluster (context = name). */
  kubeconfig(options?: KubeconfigOptions): string;
  readonly faults: Faults;
  readonly requestLog: RequestLog;
  readonly store: Store;
  /** True while the listener accepts connections. */
  readonly running: boolean;
  /** Closes the listener and every connection (connection refused afterwards); objects are kept. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
  /** Forgets the watch history: watches resuming from an older resourceVersion get 410 Expired. */
  compactHistory(): void;
  /** Resets the sockets of all open watches (like a network reset); returns how many. */
  dropWatches(): number;
  /** Ends all open watches cleanly; returns how many. */
  endWatches(): number;
  /** Sends every open watch an ERROR event with a 500 Status (`message`) and ends it; returns how many. */
  failWatches(message?: string): number;
  /** Number of open watch streams. */
  readonly openWatchCount: number;
}

const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const seedOptions = { dryRun: false, fieldManager: 'kube-emulator', fieldManagerGiven: true, fieldValidation: 'Ignore', force: false } as const;

/** Starts one emulated cluster and loads its CRDs and namespaces. */
export async function startEmulatedCluster(options: EmulatedClusterOptions): Promise<EmulatedCluster> {
  const host = options.host ?? '127.0.0.1';
  const tokenSpecs: TokenSpec[] = (options.tokens ?? [`emu-${randomBytes(16).toString('hex')}`]).map((t) => (typeof t === 'string' ? { token: t } : t));
  const adminToken = tokenSpecs[0]?.token;
  if (adminToken === undefined) throw new TypeError('tokens must not be empty');
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;

  const store = new Store({ historySize: options.historySize ?? 10_000 });
  const registry = new Registry(builtinResourceTypes());
  const api: ApiContext = {
    store,
    registry,
    now: clock,
    newUid: () => randomUUID(),
    random,
    defer: (work) => setImmediate(work),
  };
  const namespaceType = builtinType(api, '', 'namespaces');
  for (const ns of [...systemNamespaces, ...(options.namespaces ?? ['avi-system'])]) {
    if (store.get(namespaceType.storageKey, '', ns)) continue;
    createObject(api, namespaceType, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, seedOptions);
  }
  const crdType = builtinType(api, 'apiextensions.k8s.io', 'customresourcedefinitions');
  const crdSources: { file: string; crd: JsonObject }[] = [];
  if (options.crdsDir !== undefined || options.crds === undefined) crdSources.push(...(await loadCrdManifests(options.crdsDir ?? defaultCrdsDir)));
  for (const crd of options.crds ?? []) crdSources.push({ file: '(options.crds)', crd: structuredClone(crd) });
  for (const { file, crd } of crdSources) {
    try {
      createObject(api, crdType, undefined, crd, seedOptions);
    } catch (err) {
      const reason = err instanceof ApiError ? err.message : String(err);
      throw new CrdLoadError(`${file}: cannot load CRD: ${reason}`, { cause: err });
    }
  }

  const faults = new Faults(random);
  const requestLog = new RequestLog(options.requestLogSize ?? 10_000);
  const openWatches = new OpenWatches();
  const tls = options.http ? undefined : await tlsMaterial();
  let port = options.port ?? 0;
  let closed = false;
  let outageTimer: NodeJS.Timeout | undefined;

  const admin: AdminActions = {
    faults,
    requestLog,
    dropWatches: () => openWatches.dropAll(),
    endWatches: () => openWatches.endAll(),
    compactHistory: () => store.compactHistory(),
    outage: (durationMs) => {
      void cluster.stop().then(() => {
        outageTimer = setTimeout(() => {
          outageTimer = undefined;
          if (!closed) void cluster.start();
        }, durationMs);
      });
    },
  };
  const auth = new Authenticator(tokenSpecs, (options.anonymousAdmin ?? options.http === true) ? 'first-token-user' : undefined);
  const stopTokenController = startTokenController(api, auth, tls?.caPem);
  const handler = createRequestHandler({
    api,
    auth,
    faults,
    requestLog,
    openWatches,
    openapi: new OpenApiDocuments(registry),
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    serverAddress: () => `${host}:${port}`,
    admin,
  });

  const listener = new Listener(handler, { host, port, tls });
  await listener.listen();
  port = listener.port;

  const scheme = tls ? 'https' : 'http';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `${scheme}://${urlHost}:${port}`;
  const kubeconfigEntry = kubeconfigEntryOf({ name: options.name, url, token: adminToken, caPem: tls?.caPem });

  const cluster: EmulatedCluster = {
    name: options.name,
    url,
    port,
    token: adminToken,
    caPem: tls?.caPem,
    caData: tls ? Buffer.from(tls.caPem).toString('base64') : undefined,
    kubeconfigEntry,
    kubeconfig: (kubeconfigOptions) => kubeconfigYaml([{ kubeconfigEntry }], kubeconfigOptions),
    faults,
    requestLog,
    store,
    get running() {
      return listener.running;
    },
    get openWatchCount() {
      return openWatches.size;
    },
    stop: () => listener.stop(),
    async start() {
      if (closed) throw new Error(`cluster ${options.name} is closed`);
      if (outageTimer) {
        clearTimeout(outageTimer);
        outageTimer = undefined;
      }
      await listener.listen();
    },
    async close() {
      closed = true;
      stopTokenController();
      if (outageTimer) clearTimeout(outageTimer);
      await cluster.stop();
    },
    compactHistory: () => store.compactHistory(),
    dropWatches: () => openWatches.dropAll(),
    endWatches: () => openWatches.endAll(),
    failWatches: (message = 'the watch cache was re-initialised') => openWatches.failAll(message),
    async [Symbol.asyncDispose]() {
      await cluster.close();
    },
  };
  return cluster;
}

/** Starts several clusters (e.g. `['cluster1', 'cluster2']`) with the same options. */
export async function startEmulatedClusters(
  names: readonly string[],
  options: Omit<EmulatedClusterOptions, 'name' | 'port'> & { readonly portBase?: number } = {},
): Promise<EmulatedCluster[]> {
  const { portBase, ...rest } = options;
  const clusters: EmulatedCluster[] = [];
  try {
    for (const [i, name] of names.entries()) {
      clusters.push(await startEmulatedCluster({ ...rest, name, ...(portBase === undefined ? {} : { port: portBase + i }) }));
    }
  } catch (err) {
    await Promise.all(clusters.map((c) => c.close()));
    throw err;
  }
  return clusters;
}
