/**
 * A list+watch informer on the lean transport (kube-transport.ts) that never stays down. It lists
 * (page by page, `limit`/`continue`: list-pages.ts), then watches from the list's resourceVersion
 * with bookmarks and a jittered server-side timeout; a watch the server ends is resumed from the
 * last resourceVersion seen (events and bookmarks advance it), a 410 Gone (HTTP or an ERROR event)
 * relists at once, and any other failure is reported through `onError` and retried with capped
 * exponential backoff (a resume first, a relist when no list completed yet). Every completed list
 * emits add/update/delete for what changed against what the informer knew (deletes for keys that
 * vanished) and then `onSynced`, so the owner can run a full resync after a relist. It keeps no
 * objects: only name → resourceVersion, enough to diff a relist and to skip updates that change
 * nothing (the owner keeps the one copy).
 * A delete found by a relist carries only the name, namespace and last known resourceVersion.
 */
import { type KindInfo, type KubeObject } from '@amko-fed/domain';
import { errorForResponse, httpStatusOf, toKubeError } from './kube-error.ts';
import type { KubeTransport } from './kube-transport.ts';
import { LIST_PAGE_SIZE, pagesOf } from './list-pages.ts';
import { resourcePath } from './resource-path.ts';
import { watchEvents, WatchEventType, type WatchEvent } from './watch-stream.ts';

export interface InformerHandlers {
  onAdd?(object: KubeObject): void;
  onUpdate?(object: KubeObject): void;
  onDelete?(object: KubeObject): void;
  /**
   * After every completed list (initial or relist), once the add/update/delete callbacks for it ran,
   * with how many objects it listed (the objects themselves went to those callbacks page by page).
   */
  onSynced?(info: { readonly relist: boolean; readonly count: number }): void;
  /** After every failure, with the classified error; the informer restarts itself. */
  onError?(error: Error, restartInMs: number): void;
}

export interface InformerHealth {
  /** At least one list completed since start. */
  readonly synced: boolean;
  /** No failure since the last successful list or watch connection. */
  readonly healthy: boolean;
  readonly restarts: number;
  readonly lastError: string | undefined;
}

export interface ResilientInformer {
  /** Starts listing and watching; resolves once the first list and watch connected, or the first failure was reported. */
  start(): Promise<void>;
  /** Final: aborts the open request; a stopped informer cannot be started again (create a new one). */
  stop(): Promise<void>;
  health(): InformerHealth;
  /** Resolves after the first completed list (or rejects when stopped first). */
  synced(): Promise<void>;
}

export interface ResilientInformerOptions {
  /** The cluster's transport (credentials asked per request). */
  readonly transport: Pick<KubeTransport, 'send' | 'stream'>;
  /** For messages: the kubeconfig context. */
  readonly context: string;
  readonly kind: KindInfo;
  readonly namespace: string;
  readonly handlers: InformerHandlers;
  /** Restart backoff. @defaultValue { baseMs: 250, capMs: 10_000 } */
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
  /** Timeout of each list call (one page). @defaultValue 10_000 */
  readonly listTimeoutMs?: number;
  /** Objects per list page. @defaultValue LIST_PAGE_SIZE (500) */
  readonly pageSize?: number;
  /** The server-side `timeoutSeconds` of each watch, drawn between these. @defaultValue { minS: 300, maxS: 600 } */
  readonly watchTimeout?: { readonly minS: number; readonly maxS: number };
  /** In [0, 1), for the watch timeout's jitter. @defaultValue Math.random */
  readonly random?: () => number;
}

/** A watch is given this much more than its server-side timeout before the client gives up on a silent stream. */
const WATCH_BODY_MARGIN_MS = 60_000;

/** The watch answered 410 Gone: its resourceVersion is too old, relist. */
class Gone {
  readonly gone = true;
}

const rvOf = (object: { metadata?: { resourceVersion?: unknown } } | undefined): string | undefined => {
  const rv = object?.metadata?.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
};

export function createResilientInformer(options: ResilientInformerOptions): ResilientInformer {
  const { transport, context, kind, namespace, handlers } = options;
  const backoff = options.backoff ?? { baseMs: 250, capMs: 10_000 };
  const listTimeoutMs = options.listTimeoutMs ?? 10_000;
  const pageSize = options.pageSize ?? LIST_PAGE_SIZE;
  const watchTimeout = options.watchTimeout ?? { minS: 300, maxS: 600 };
  const random = options.random ?? Math.random;
  const basePath = resourcePath(kind, namespace);
  const watchOperation = `watch ${kind.kind} ${namespace} on ${context}`;

  /** name → resourceVersion of every object the informer reported and has not reported deleted. */
  const known = new Map<string, string>();
  /** Where the next watch starts; undefined: list first. */
  let resourceVersion: string | undefined;
  let lists = 0;
  let state: 'new' | 'running' | 'stopped' = 'new';
  let synced = false;
  let healthy = false;
  let restarts = 0;
  let failures = 0;
  let lastError: string | undefined;
  const abort = new AbortController();
  let wake: (() => void) | undefined;
  let loop: Promise<void> = Promise.resolve();
  let firstAttempt: (() => void) | undefined;

  const firstSync = Promise.withResolvers<void>();
  firstSync.promise.catch(() => undefined); // a stop before sync must not surface as an unhandled rejection

  const stopped = (): boolean => state === 'stopped';

  function recovered(): void {
    healthy = true;
    failures = 0;
    lastError = undefined;
  }

  function tombstone(name: string, rv: string): KubeObject {
    return { apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind, metadata: { name, namespace, resourceVersion: rv } } as KubeObject;
  }

  /**
   * Lists page by page (one page held at a time), reporting each page's adds and updates as it
   * arrives; deletes (what the whole list no longer holds) follow the last page. A page that fails
   * fails the list, which is retried from the start; what earlier pages reported stays known, so the
   * retry reports only what changed since.
   */
  async function list(): Promise<void> {
    const relist = lists > 0;
    const seen = new Set<string>();
    let listVersion: string | undefined;
    const request = { method: 'GET' as const, path: basePath, operation: `list ${kind.kind} ${namespace} on ${context}`, timeoutMs: listTimeoutMs, signal: abort.signal, unobserved: true };
    for await (const page of pagesOf(transport.send, request, pageSize)) {
      if (stopped()) return;
      listVersion ??= page.resourceVersion === '' ? undefined : page.resourceVersion;
      for (const object of page.items) {
        const name = object.metadata.name;
        const rv = rvOf(object) ?? '';
        seen.add(name);
        const before = known.get(name);
        known.set(name, rv);
        if (before === undefined) handlers.onAdd?.(object);
        else if (before !== rv) handlers.onUpdate?.(object);
      }
    }
    if (stopped()) return;
    for (const [name, rv] of [...known]) {
      if (seen.has(name)) continue;
      known.delete(name);
      handlers.onDelete?.(tombstone(name, rv));
    }
    lists += 1;
    resourceVersion = listVersion ?? '0';
    synced = true;
    recovered();
    firstSync.resolve();
    handlers.onSynced?.({ relist, count: seen.size });
  }

  /** Applies one event; a Gone for an expired resourceVersion. */
  function apply(event: WatchEvent): Gone | undefined {
    const object = event.object as unknown as KubeObject;
    switch (event.type) {
      case WatchEventType.Added:
      case WatchEventType.Modified: {
        const name = object.metadata.name;
        const rv = rvOf(object) ?? '';
        const before = known.get(name);
        if (rv !== '') resourceVersion = rv;
        if (before === rv) return undefined;
        known.set(name, rv);
        if (before === undefined) handlers.onAdd?.(object);
        else handlers.onUpdate?.(object);
        return undefined;
      }
      case WatchEventType.Deleted: {
        const rv = rvOf(object);
        if (rv !== undefined) resourceVersion = rv;
        if (known.delete(object.metadata.name)) handlers.onDelete?.(object);
        return undefined;
      }
      case WatchEventType.Bookmark:
        resourceVersion = rvOf(object) ?? resourceVersion;
        return undefined;
      case WatchEventType.Error: {
        const code = typeof event.object['code'] === 'number' ? event.object['code'] : 500;
        if (code === 410) return new Gone();
        throw errorForResponse(code, event.object, undefined, watchOperation) ?? new Error(`${watchOperation}: ERROR event with code ${code}`);
      }
      default: {
        const _exhaustive: never = event.type;
        throw new Error(`unknown watch event type ${String(_exhaustive)}`);
      }
    }
  }

  /** One watch from `resourceVersion` until the server ends it (undefined) or answers 410 (Gone). */
  async function watch(): Promise<Gone | undefined> {
    const timeoutS = Math.floor(watchTimeout.minS + random() * (watchTimeout.maxS - watchTimeout.minS));
    const query = `?watch=true&allowWatchBookmarks=true&timeoutSeconds=${timeoutS}&resourceVersion=${encodeURIComponent(resourceVersion ?? '0')}`;
    let body: AsyncIterable<Buffer>;
    try {
      body = await transport.stream({ path: basePath + query, operation: watchOperation, signal: abort.signal, bodyTimeoutMs: timeoutS * 1000 + WATCH_BODY_MARGIN_MS });
    } catch (err) {
      if (httpStatusOf(err) === 410) return new Gone();
      throw err;
    }
    if (stopped()) return undefined;
    recovered(); // connected: healthy again after a failure
    firstAttempt?.();
    for await (const event of watchEvents(body, watchOperation)) {
      if (stopped()) return undefined;
      const gone = apply(event);
      if (gone !== undefined) return gone;
    }
    return undefined;
  }

  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function run(): Promise<void> {
    while (!stopped()) {
      try {
        if (resourceVersion === undefined) await list();
        if (stopped()) return;
        const outcome = await watch();
        if (outcome !== undefined) resourceVersion = undefined; // 410: relist now, no error
      } catch (err) {
        if (stopped()) return;
        healthy = false;
        failures += 1;
        const delay = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(failures - 1, 20));
        const classified = toKubeError(err, watchOperation);
        lastError = classified.message;
        handlers.onError?.(classified, delay);
        firstAttempt?.();
        await pause(delay);
        if (stopped()) return;
        restarts += 1;
      }
    }
  }

  return {
    async start() {
      if (state === 'stopped') throw new Error('a stopped informer cannot be started again; create a new one');
      if (state === 'running') return;
      state = 'running';
      const attempted = new Promise<void>((resolve) => {
        firstAttempt = () => {
          firstAttempt = undefined;
          resolve();
        };
      });
      loop = run();
      await attempted;
    },
    async stop() {
      const wasRunning = state === 'running';
      state = 'stopped';
      abort.abort();
      wake?.();
      firstAttempt?.();
      if (wasRunning) await loop;
      healthy = false;
      if (!synced) firstSync.reject(new Error(`informer for ${kind.kind} on ${context} stopped before it synced`));
    },
    health: () => ({ synced, healthy, restarts, lastError }),
    synced: () => (synced ? Promise.resolve() : firstSync.promise),
  };
}
