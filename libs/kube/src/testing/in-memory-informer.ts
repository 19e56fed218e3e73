/**
 * The in-memory fake's informers (`ClusterClient.informer` of createInMemoryCluster). Delivery is
 * synchronous: a write's handlers have run before the write's promise resolves, so a unit test
 * awaits the write and asserts. `start()` lists (onAdd for each object, then onSynced with
 * relist false); later create/replace/patch/patchStatus/delete of the kind in the namespace arrive
 * as onAdd/onUpdate/onDelete (status changes too, as the API server reports them), each handler
 * call with its own copy. Like the real informer it keeps only name → resourceVersion, and a delete
 * found by a relist carries only name, namespace and the last known resourceVersion. The cluster's
 * test controls drive the rest: `breakWatch` reports an error and stops delivery (health
 * unhealthy), `relist` diffs what it knows against the store, reports the differences and onSynced
 * with relist true, and delivers again.
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
  /** name → resourceVersion of what the informer reported. */
  const known = new Map<string, string>();
  let state: 'new' | 'running' | 'stopped' = 'new';
  let synced = false;
  let watching = false;
  let healthy = false;
  let restarts = 0;
  let failures = 0;
  let lastError: string | undefined;
  const firstSync = Promise.withResolvers<void>();
  firstSync.promise.catch(() => undefined); // a stop before sync must not surface as an unhandled rejection

  const name = (object: KubeObject): string => object.metadata.name;
  const rvOf = (object: KubeObject): string => object.metadata.resourceVersion ?? '';

  function list(relist: boolean): void {
    const current = snapshot();
    const seen = new Set<string>();
    for (const object of current) {
      seen.add(name(object));
      const before = known.get(name(object));
      known.set(name(object), rvOf(object));
      if (before === undefined) handlers.onAdd?.(clone(object));
      else if (before !== rvOf(object)) handlers.onUpdate?.(clone(object));
    }
    for (const [key, rv] of [...known]) {
      if (seen.has(key)) continue;
      known.delete(key);
      handlers.onDelete?.({ apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind, metadata: { name: key, namespace, resourceVersion: rv } } as KubeObject);
    }
    if (relist && !healthy) restarts += 1;
    synced = true;
    watching = true;
    healthy = true;
    failures = 0;
    lastError = undefined;
    firstSync.resolve();
    handlers.onSynced?.({ relist, count: current.length });
  }

  const handle: InMemoryInformerHandle = {
    kind,
    namespace,
    deliver(type, object) {
      if (state !== 'running' || !watching) return;
      if (type === 'deleted') {
        if (known.delete(name(object))) handlers.onDelete?.(clone(object));
        return;
      }
      const before = known.get(name(object));
      known.set(name(object), rvOf(object));
      if (before !== undefined) handlers.onUpdate?.(clone(object));
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
      if (!synced) firstSync.reject(new Error(`informer for ${kind.kind} stopped before it synced`));
    },
    health: () => ({ synced, healthy, restarts, lastError }),
    synced: () => (synced ? Promise.resolve() : firstSync.promise),
  };
}
