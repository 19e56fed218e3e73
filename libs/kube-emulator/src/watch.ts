/**
 * Watch streaming: newline-delimited `{"type","object"}` events over a chunked 200 response whose
 * headers are flushed at once (client-node waits for them). Resumes from a resourceVersion using
 * the store's history, answers an expired one with an ERROR 410 event and closes, sends
 * BOOKMARKs when asked, honours `timeoutSeconds`, and filters by namespace and selectors
 * (an object leaving the selection is sent as DELETED, one entering it as ADDED).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { expired, internalError } from './pure/index.ts';
import type { KubeObject } from './object.ts';
import type { Store, StoreEvent } from './store.ts';
import { jsonContentType } from './http-util.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchOptions {
  readonly store: Store;
  readonly storageKey: string;
  /** Only objects in this namespace; all namespaces when undefined. */
  readonly namespace: string | undefined;
  /** Label and field selectors. */
  readonly matches: (obj: KubeObject) => boolean;
  /** Parsed `resourceVersion`: undefined for unset or "0" (send the current objects first). */
  readonly sinceRv: number | undefined;
  readonly timeoutSeconds: number | undefined;
  readonly bookmarks: boolean;
  readonly bookmarkIntervalMs: number;
  /** JSON text of an object as this client wants it (version relabelling, Table rows). */
  readonly encode: (obj: KubeObject, type: WatchEventType) => string;
  /** `{kind, apiVersion}` of the watched resource, for BOOKMARK objects. */
  readonly bookmarkKind: { readonly kind: string; readonly apiVersion: string };
}

/** Every open watch of a cluster, so tests can drop them (network reset) or end them cleanly. */
export class OpenWatches {
  readonly #open = new Set<ServerResponse>();

  get size(): number {
    return this.#open.size;
  }

  add(res: ServerResponse): void {
    this.#open.add(res);
    res.once('close', () => this.#open.delete(res));
  }

  /** Destroys the sockets of all open watches, as a network reset would. */
  dropAll(): number {
    const count = this.#open.size;
    for (const res of [...this.#open]) {
      const socket: Socket | null = res.socket;
      if (!socket) res.destroy();
      else {
        // A TCP reset where the socket allows it (plain TCP); TLS sockets are destroyed mid-stream.
        try {
          socket.resetAndDestroy();
        } catch {
          socket.destroy();
        }
      }
      this.#open.delete(res);
    }
    return count;
  }

  /**
   * Sends every open watch an ERROR event carrying a 500 Status with `message` and ends it, as an
   * API server does when it cannot go on serving a watch (e.g. its watch cache was re-initialised).
   */
  failAll(message: string): number {
    const count = this.#open.size;
    const line = `{"type":"ERROR","object":${JSON.stringify(internalError(message).status)}}\n`;
    for (const res of [...this.#open]) {
      if (!res.writableEnded && !res.destroyed) res.end(line);
      this.#open.delete(res);
    }
    return count;
  }

  /** Ends all open watches cleanly (a finished chunked response). */
  endAll(): number {
    const count = this.#open.size;
    for (const res of [...this.#open]) {
      res.end();
      this.#open.delete(res);
    }
    return count;
  }
}

const maxBufferedBytes = 64 * 1024 * 1024;

export function serveWatch(_req: IncomingMessage, res: ServerResponse, options: WatchOptions, openWatches: OpenWatches): void {
  const { store, storageKey, namespace, matches, encode } = options;
  res.writeHead(200, { 'Content-Type': jsonContentType, 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  const send = (type: string, objectJson: string): void => {
    if (res.writableEnded || res.destroyed) return;
    res.write(`{"type":"${type}","object":${objectJson}}\n`);
    if (res.writableLength > maxBufferedBytes) res.destroy();
  };

  const translate = (event: StoreEvent): WatchEventType | undefined => {
    if (namespace !== undefined && event.namespace !== namespace) return undefined;
    switch (event.type) {
      case 'ADDED':
        return matches(event.object) ? 'ADDED' : undefined;
      case 'DELETED':
        return matches(event.previous ?? event.object) ? 'DELETED' : undefined;
      case 'MODIFIED': {
        const now = matches(event.object);
        const before = event.previous === undefined ? now : matches(event.previous);
        if (now && before) return 'MODIFIED';
        if (now) return 'ADDED';
        return before ? 'DELETED' : undefined;
      }
      default: {
        const _exhaustive: never = event.type;
        return _exhaustive;
      }
    }
  };
  const deliver = (event: StoreEvent): void => {
    const type = translate(event);
    if (type) send(type, encode(event.object, type));
  };

  if (options.sinceRv === undefined) {
    for (const obj of store.list(storageKey, namespace)) if (matches(obj)) send('ADDED', encode(obj, 'ADDED'));
  } else {
    const past = store.eventsSince(storageKey, options.sinceRv);
    if (past === undefined) {
      const error = expired(`too old resource version: ${options.sinceRv} (${store.oldestResumableVersion + 1})`);
      send('ERROR', JSON.stringify(error.status));
      res.end();
      return;
    }
    for (const event of past) deliver(event);
  }

  const unsubscribe = store.subscribe({ resource: storageKey, onEvent: deliver, onResourceRemoved: () => res.end() });
  openWatches.add(res);
  const timers: NodeJS.Timeout[] = [];
  if (options.timeoutSeconds !== undefined && options.timeoutSeconds > 0) {
    timers.push(setTimeout(() => res.end(), options.timeoutSeconds * 1000));
  }
  if (options.bookmarks) {
    const { kind, apiVersion } = options.bookmarkKind;
    const interval = setInterval(() => {
      send('BOOKMARK', JSON.stringify({ kind, apiVersion, metadata: { resourceVersion: String(store.resourceVersion) } }));
    }, options.bookmarkIntervalMs);
    timers.push(interval);
  }
  const cleanup = (): void => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
  };
  res.once('close', cleanup);
}
