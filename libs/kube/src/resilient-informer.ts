/**
 * A list+watch informer over client-node's `makeInformer` that never stays down: the library stops
 * for good after a connection reset, a refused reconnect or a failed list (kube-api-notes §0.6),
 * so every `error` schedules a `start()` again with capped exponential backoff. A restart resumes
 * the watch from the last resourceVersion (nothing is missed while the history still holds it);
 * after a 410 the library relists by itself. Every completed list is reported through `onSynced`,
 * so the owner can run a full resync after a relist. The informer counts as healthy again once a
 * restarted watch is connected (client-node's `start()` resolves after the watch response
 * headers, having reported any failure first).
 */
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { type KindInfo, type KubeObject } from '@amko-fed/domain';
import { clientNode } from './client-node.ts';
import { toKubeError } from './kube-error.ts';
import { timeoutOptions } from './request-timeout.ts';

export interface InformerHandlers {
  onAdd?(object: KubeObject): void;
  onUpdate?(object: KubeObject): void;
  onDelete?(object: KubeObject): void;
  /** After every completed list (initial or relist), once the add/update/delete callbacks for it ran. */
  onSynced?(info: { readonly relist: boolean; readonly objects: readonly KubeObject[] }): void;
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
  start(): Promise<void>;
  /** Final: a stopped informer cannot be started again (create a new one). */
  stop(): Promise<void>;
  health(): InformerHealth;
  /** The cached objects. */
  list(): readonly KubeObject[];
  /** Resolves after the first completed list (or rejects when stopped first). */
  synced(): Promise<void>;
}

export interface ResilientInformerOptions {
  readonly kubeConfig: KubeConfig;
  readonly kind: KindInfo;
  readonly namespace: string;
  readonly handlers: InformerHandlers;
  /** Restart backoff. @defaultValue { baseMs: 250, capMs: 10_000 } */
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
  /** Timeout of each list call. @defaultValue 10_000 */
  readonly listTimeoutMs?: number;
}

export function createResilientInformer(options: ResilientInformerOptions): ResilientInformer {
  const { kubeConfig, kind, namespace, handlers } = options;
  const backoff = options.backoff ?? { baseMs: 250, capMs: 10_000 };
  const { CustomObjectsApi, makeInformer } = clientNode();
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const path = `/apis/${kind.group}/${kind.version}/namespaces/${namespace}/${kind.plural}`;
  const listOptions = timeoutOptions(options.listTimeoutMs ?? 10_000);
  const context = kubeConfig.getCurrentContext();

  let stopped = true;
  let synced = false;
  let healthy = false;
  let restarts = 0;
  let failures = 0;
  let errorCount = 0;
  let lastError: string | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let listCount = 0;
  let resolveSynced: (() => void) | undefined;
  let rejectSynced: ((err: Error) => void) | undefined;
  let finished = false;
  const syncedPromise = newSyncedPromise();

  function newSyncedPromise(): Promise<void> {
    const p = new Promise<void>((resolve, reject) => {
      resolveSynced = resolve;
      rejectSynced = reject;
    });
    p.catch(() => undefined); // a stop before sync must not surface as an unhandled rejection
    return p;
  }

  // Custom objects arrive as plain JSON (timestamps stay strings), which is what KubeObject describes.
  const asKube = (o: KubernetesObject): KubeObject => o as unknown as KubeObject;
  const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    const list = (await custom.listNamespacedCustomObject(
      { group: kind.group, version: kind.version, namespace, plural: kind.plural },
      listOptions,
    )) as KubernetesListObject<KubernetesObject>;
    listCount += 1;
    const relist = listCount > 1;
    // the library applies the list (add/update/delete callbacks) right after this promise resolves
    setImmediate(() => {
      if (stopped) return;
      synced = true;
      healthy = true;
      failures = 0;
      lastError = undefined;
      resolveSynced?.();
      handlers.onSynced?.({ relist, objects: informer.list(namespace).map(asKube) });
    });
    return list;
  };

  const informer = makeInformer<KubernetesObject>(kubeConfig, path, listFn);
  if (handlers.onAdd) informer.on('add', (o) => handlers.onAdd?.(asKube(o)));
  if (handlers.onUpdate) informer.on('update', (o) => handlers.onUpdate?.(asKube(o)));
  if (handlers.onDelete) informer.on('delete', (o) => handlers.onDelete?.(asKube(o)));
  informer.on('connect', () => {
    if (synced) healthy = true;
  });
  /** Starts (or restarts) the library informer; healthy again when the watch connected without error. */
  async function startOnce(): Promise<void> {
    const errorsBefore = errorCount;
    await informer.start();
    if (!stopped && synced && errorCount === errorsBefore) {
      healthy = true;
      failures = 0;
      lastError = undefined;
    }
  }

  informer.on('error', (err: unknown) => {
    if (stopped) return;
    errorCount += 1;
    healthy = false;
    failures += 1;
    const delay = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(failures - 1, 20));
    const classified = toKubeError(err, `watch ${kind.kind} ${namespace} on ${context}`);
    lastError = classified.message;
    handlers.onError?.(classified, delay);
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      if (stopped) return;
      restarts += 1;
      void startOnce().catch(() => undefined);
    }, delay);
  });

  return {
    async start() {
      if (finished) throw new Error('a stopped informer cannot be started again; create a new one');
      if (!stopped) return;
      stopped = false;
      await startOnce();
    },
    async stop() {
      stopped = true;
      finished = true;
      clearTimeout(restartTimer);
      await informer.stop();
      if (!synced) rejectSynced?.(new Error(`informer for ${kind.kind} on ${context} stopped before it synced`));
      healthy = false;
    },
    health: () => ({ synced, healthy, restarts, lastError }),
    list: () => informer.list(namespace).map(asKube),
    synced: () => (synced ? Promise.resolve() : syncedPromise),
  };
}
