/**
 * Capture: resilient informers on the federated kinds in the leader's avi-system. Every change of
 * federated content (spec, copied annotations: the content hash) or deletion marks the object's
 * key; converging a key appends to the federation log only when the projection differs
 * (`appendIfChanged`, so it is idempotent) and then enqueues one job per valid follower in one
 * round trip per follower. Status-only and bookkeeping updates leave the hash unchanged and cost
 * nothing. Converging never branches on the event type: it reads the current cached state.
 */
import {
  AVI_SYSTEM_NAMESPACE,
  FEDERATED_KINDS,
  leaderListFailedMessage,
  tooManyOnLeaderMessage,
  type FederatedKind,
  type ObjectKey,
} from '@amko-fed/domain';
import type { ClusterClient, ResilientInformer } from '@amko-fed/kube';
import type { Logger } from 'pino';
import { createKeyWorkQueue } from './key-work-queue.ts';
import { objectKeyOf, toLeaderObject, type LeaderObject } from './leader-object.ts';
import type { KeySync } from './key-sync.ts';
import type { LeaderObjects } from './leader-view.ts';

export interface CaptureOptions {
  /** The leader cluster: informers come from it. */
  readonly local: ClusterClient;
  readonly kinds: readonly FederatedKind[];
  /** Where the leader's current objects are kept (the watcher's one view: leader-view.ts). */
  readonly view: LeaderObjects;
  readonly sync: KeySync;
  readonly logger: Logger;
  /** Every time all informers have completed a list (the first time and after each relist). */
  onSynced(info: { readonly relist: boolean }): void;
  /** A kind's informer started or stopped failing (for the status). */
  onHealthChange(): void;
  /** Parallel key convergences. @defaultValue 32 */
  readonly concurrency?: number;
}

export interface ConvergeOptions {
  readonly source: 'watch' | 'resync';
}

export interface Capture {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Every informer has completed its first list. */
  synced(): boolean;
  /** The leader's current objects (informer state). */
  objects(): IterableIterator<LeaderObject>;
  /** Converges keys now; resolves true when every one succeeded. */
  converge(keys: Iterable<ObjectKey>, options: ConvergeOptions): Promise<boolean>;
  /** Per kind, why its federation cannot be judged or fails on the leader side (AMKO's messages). */
  leaderProblems(): ReadonlyMap<FederatedKind, string>;
  /** Informer states, for readiness. */
  informerHealth(): { kind: FederatedKind; synced: boolean; healthy: boolean; lastError: string | undefined }[];
}

export function createCapture(options: CaptureOptions): Capture {
  const { kinds, sync, view } = options;
  const logger = options.logger.child({ component: 'capture' });
  const listedOnce = new Set<FederatedKind>();
  let syncedAll = false;

  const queue = createKeyWorkQueue<ObjectKey, ConvergeOptions>({
    concurrency: options.concurrency ?? 32,
    process: async (key, converge) => {
      const current = view.leader(key);
      await sync.converge(key, current, { ...converge, deletedResourceVersion: view.deletedVersion(key) });
      if (current === undefined) view.forgetDeletion(key);
    },
    merge: (a, b) => ({ source: a.source === 'watch' || b.source === 'watch' ? 'watch' : 'resync' }),
    onError: (key, err, retryInMs) => logger.warn({ err, objectKey: key, retryInMs }, 'Could not record change, retrying'),
  });
  // Until the first complete list, changes are the start-up diff: they are recorded, and the full
  // resync that follows enqueues them (one job per follower and object, not two).
  const watched = (): ConvergeOptions => ({ source: syncedAll ? 'watch' : 'resync' });

  function upsert(kind: FederatedKind, raw: unknown): void {
    const next = toLeaderObject(kind, raw);
    if (next === undefined) return;
    const previous = view.setLeader(next);
    if (previous?.contentHash !== next.contentHash) void queue.mark(next.key, watched());
  }

  function remove(kind: FederatedKind, raw: unknown): void {
    const key = objectKeyOf(kind, raw);
    const rv = (raw as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
    if (key === undefined || !view.deleteLeader(key, typeof rv === 'string' ? rv : undefined)) return;
    void queue.mark(key, watched());
  }

  const informers: { kind: FederatedKind; informer: ResilientInformer }[] = kinds.map((kind) => ({
    kind,
    informer: options.local.informer({
      kind: FEDERATED_KINDS[kind],
      namespace: AVI_SYSTEM_NAMESPACE,
      handlers: {
        onAdd: (o) => upsert(kind, o),
        onUpdate: (o) => upsert(kind, o),
        onDelete: (o) => remove(kind, o),
        onSynced: ({ relist }) => {
          const wasHealthyList = listedOnce.has(kind);
          listedOnce.add(kind);
          if (!wasHealthyList) options.onHealthChange();
          const all = listedOnce.size === kinds.length;
          if (all && (!syncedAll || relist)) {
            const first = !syncedAll;
            syncedAll = true;
            options.onSynced({ relist: !first });
          }
        },
        onError: (err, restartInMs) => {
          logger.warn({ err, kind, restartInMs }, `Could not watch ${kind}, restarting the watch`);
          options.onHealthChange();
        },
      },
    }),
  }));

  return {
    async start() {
      await Promise.all(informers.map(({ informer }) => informer.start().catch(() => undefined)));
    },
    async stop() {
      await Promise.all(informers.map(({ informer }) => informer.stop()));
      await queue.stop();
    },
    synced: () => syncedAll,
    objects: () => view.leaders(),
    async converge(keys, converge) {
      const results = await Promise.all([...keys].map((key) => queue.mark(key, converge)));
      return results.every(Boolean);
    },
    leaderProblems() {
      const problems = new Map<FederatedKind, string>();
      for (const { kind, informer } of informers) {
        const health = informer.health();
        if (!health.synced && health.lastError !== undefined) problems.set(kind, leaderListFailedMessage(kind, health.lastError));
      }
      for (const kind of kinds) {
        if (!FEDERATED_KINDS[kind].singleton || problems.has(kind)) continue;
        let count = 0;
        for (const object of view.leaders()) if (object.kind === kind) count += 1;
        if (count > 1) problems.set(kind, tooManyOnLeaderMessage(kind));
      }
      return problems;
    },
    informerHealth: () =>
      informers.map(({ kind, informer }) => {
        const health = informer.health();
        return { kind, synced: health.synced, healthy: health.healthy, lastError: health.lastError };
      }),
  };
}
