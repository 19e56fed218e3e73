/**
 * The in-memory fake's informers (`ClusterClient.informer` of createInMemoryCluster). Delivery is
 * synchronous: a write's handlers have run before the write's promise resolves, so a unit test
 * awaits the write and asserts. `start()` lists (onAdd for each object, then onSynced with
 * relist false); later create/replace/patch/patchStatus/delete of the kind in the namespace arrive
 * as onAdd/onUpdate/onDelete (status changes too, as client-node reports them), each handler call
 * with its own copy. The cluster's test controls drive the rest: `breakWatch` reports an error and
 * stops delivery (health unhealthy), `relist` diffs the cache against the store, reports the
 * differences and onSynced with relist true, and delivers again.
 */
import type { KindInfo, KubeObject } from '@amko-fed/domain';
import type { ClusterInformerOptions } from '../cluster-client.ts';
import type { ResilientInformer } from '../resilient-informer.ts';

export type ChangeType = 'added' | 'modified' | 'deleted';

/** One informer as the cluster drives it. */
export interface InMemoryInformerHandle {
  readonly kind: KindInfo;
  readonly namespace: string;
  /** A change of the store (only called for this informer's kind and namespace). */
  deliver(type: ChangeType, object: KubeObject): void;
  relist(): void;
  breakWatch(error: Error): void;
}

const clone = <T>(value: T): T => structuredClone(value);

/** `snapshot` answers the current objects of the kind in the namespace; `register` adds to / removes from the cluster's set. */
export function createInMemoryInformer(
  options: ClusterInformerOptions,
  snapshot: () => KubeObject[],
  register: (handle: InMemoryInformerHandle, on: boolean) => void,
): ResilientInformer {
  const { kind, namespace, handlers } = options;
  const backoff = options.backoff ?? { baseMs: 250, capMs: 10_000 };
  const cache = new Map<string, KubeObject>();
  let state: 'new' | 'running' | 'stopped' = 'new';
  let synced = false;
  let watching = false;
  let healthy = false;
  let restarts = 0;
  let failures = 0;
  let lastError: string | undefined;
  let resolveSynced: () => void = () => undefined;
  let rejectSynced: (err: Error) => void = () => undefined;
  const syncedPromise = new Promise<void>((resolve, reject) => {
    resolveSynced = resolve;
    rejectSynced = reject;
  });
  syncedPromise.catch(() => undefined); // a stop before sync must not surface as an unhandled rejection

  const name = (object: KubeObject): string => object.metadata.name;

  function list(relist: boolean): void {
    const current = snapshot();
    const seen = new Set<string>();
    for (const object of current) {
      seen.add(name(object));
      const cached = cache.get(name(object));
      cache.set(name(object), clone(object));
      if (cached === undefined) handlers.onAdd?.(clone(object));
      else if (cached.metadata.resourceVersion !== object.metadata.resourceVersion) handlers.onUpdate?.(clone(object));
    }
    for (const [key, cached] of [...cache]) {
      if (seen.has(key)) continue;
      cache.delete(key);
      handlers.onDelete?.(cached);
    }
    if (relist && !healthy) restarts += 1;
    synced = true;
    watching = true;
    healthy = true;
    failures = 0;
    lastError = undefined;
    resolveSynced();
    handlers.onSynced?.({ relist, objects: [...cache.values()].map(clone) });
  }

  const handle: InMemoryInformerHandle = {
    kind,
    namespace,
    deliver(type, object) {
      if (state !== 'running' || !watching) return;
      if (type === 'deleted') {
        cache.delete(name(object));
        handlers.onDelete?.(clone(object));
        return;
      }
      const known = cache.has(name(object));
      cache.set(name(object), clone(object));
      if (known) handlers.onUpdate?.(clone(object));
      else handlers.onAdd?.(clone(object));
    },
    relist() {
      if (state === 'running') list(true);
    },
    breakWatch(error) {
      if (state !== 'running') return;
      watching = false;
      healthy = false;
      failures += 1;
      lastError = error.message;
      handlers.onError?.(error, Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(failures - 1, 20)));
    },
  };

  return {
    async start() {
      if (state === 'stopped') throw new Error('a stopped informer cannot be started again; create a new one');
      if (state === 'running') return;
      state = 'running';
      register(handle, true);
      list(false);
    },
    async stop() {
      if (state === 'running') register(handle, false);
      state = 'stopped';
      healthy = false;
      if (!synced) rejectSynced(new Error(`informer for ${kind.kind} stopped before it synced`));
    },
    health: () => ({ synced, healthy, restarts, lastError }),
    list: () => [...cache.values()].map(clone),
    synced: () => (synced ? Promise.resolve() : syncedPromise),
  };
}
