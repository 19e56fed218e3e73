/**
 * The baselines' own Kubernetes access, no product code: one undici Pool per cluster (keep-alive,
 * the cluster's CA, the bearer token), GET / POST / PUT / DELETE, and list+watch of one collection
 * (an informer without its cache). The AMKO-style federator and the floor share it, so that the
 * comparison between them is about the algorithm, not the HTTP client.
 */
import { Pool } from 'undici';

/** One cluster: what a kubeconfig context holds. */
export interface ClusterAccess {
  readonly name: string;
  readonly url: string;
  readonly token: string;
  readonly caPem: string | undefined;
}

export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly resourceVersion?: string; readonly [key: string]: unknown };
  readonly spec?: unknown;
  readonly [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface KubeHttp {
  readonly cluster: string;
  /** undefined on 404. */
  get(path: string): Promise<KubeObject | undefined>;
  create(collectionPath: string, object: KubeObject): Promise<KubeObject>;
  replace(path: string, object: KubeObject): Promise<KubeObject>;
  /** false when it was already gone. */
  remove(path: string): Promise<boolean>;
  /**
   * Lists the collection (every item as ADDED), then watches from the list's resourceVersion;
   * a watch that ends is resumed from the last resourceVersion seen, a failed one relisted.
   */
  listAndWatch(collectionPath: string, onEvent: (type: WatchEventType, object: KubeObject) => void): { stop(): void };
  close(): Promise<void>;
}

export class KubeHttpError extends Error {
  readonly code = 'KUBE_HTTP_FAILED';
  readonly status: number;

  constructor(method: string, path: string, status: number, options?: ErrorOptions) {
    super(`${method} ${path} answered ${status}`, options);
    this.status = status;
  }
}

export function createKubeHttp(access: ClusterAccess): KubeHttp {
  const pool = new Pool(access.url, { connect: access.caPem === undefined ? {} : { ca: access.caPem }, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const headers = { authorization: `Bearer ${access.token}`, accept: 'application/json' };

  async function send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, ok: readonly number[] = [200, 201]): Promise<KubeObject | undefined> {
    const response = await pool.request({
      method,
      path,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    if (response.statusCode === 404 && (method === 'GET' || method === 'DELETE')) return undefined;
    if (!ok.includes(response.statusCode)) throw new KubeHttpError(method, path, response.statusCode, { cause: text.slice(0, 300) });
    return JSON.parse(text) as KubeObject;
  }

  function listAndWatch(collectionPath: string, onEvent: (type: WatchEventType, object: KubeObject) => void): { stop(): void } {
    let stopped = false;
    let abort: AbortController | undefined;
    const sep = collectionPath.includes('?') ? '&' : '?';
    const loop = async (): Promise<void> => {
      let resourceVersion: string | undefined;
      while (!stopped) {
        try {
          if (resourceVersion === undefined) {
            const list = (await send('GET', collectionPath)) as unknown as { items: KubeObject[]; metadata: { resourceVersion: string } };
            for (const item of list.items) onEvent('ADDED', item);
            resourceVersion = list.metadata.resourceVersion;
          }
          abort = new AbortController();
          const response = await pool.request({
            method: 'GET',
            path: `${collectionPath}${sep}watch=true&allowWatchBookmarks=false&resourceVersion=${resourceVersion}`,
            headers,
            bodyTimeout: 0,
            signal: abort.signal,
          });
          if (response.statusCode !== 200) {
            await response.body.text();
            throw new KubeHttpError('WATCH', collectionPath, response.statusCode);
          }
          let partial = '';
          for await (const chunk of response.body) {
            partial += (chunk as Buffer).toString('utf8');
            let newline = partial.indexOf('\n');
            while (newline >= 0) {
              const line = partial.slice(0, newline);
              partial = partial.slice(newline + 1);
              newline = partial.indexOf('\n');
              if (line.trim() === '') continue;
              const event = JSON.parse(line) as { type: string; object: KubeObject };
              if (event.type === 'ERROR') throw new KubeHttpError('WATCH', collectionPath, 410);
              resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
              if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') onEvent(event.type, event.object);
            }
          }
        } catch (err) {
          if (stopped) return;
          if (err instanceof KubeHttpError) resourceVersion = undefined; // relist
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    };
    void loop();
    return {
      stop() {
        stopped = true;
        abort?.abort();
      },
    };
  }

  return {
    cluster: access.name,
    get: (path) => send('GET', path),
    create: async (collectionPath, object) => (await send('POST', collectionPath, object, [201])) as KubeObject,
    replace: async (path, object) => (await send('PUT', path, object, [200])) as KubeObject,
    remove: async (path) => (await send('DELETE', path, undefined, [200, 202])) !== undefined,
    listAndWatch,
    close: () => pool.close(),
  };
}

/** `/apis/amko.vmware.com/v1alpha1/namespaces/<ns>/gslbconfigs[/<name>]`. */
export function gslbConfigsPath(namespace: string, name?: string): string {
  return `/apis/amko.vmware.com/v1alpha1/namespaces/${namespace}/gslbconfigs${name === undefined ? '' : `/${name}`}`;
}

/** The leader's object as a copy to create: server-set fields cleared (AMKO clears resourceVersion; the server sets the rest). */
export function copyForCreate(source: KubeObject): KubeObject {
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, generation: _gen, managedFields: _mf, ...metadata } = source.metadata;
  return { ...source, metadata };
}
