/**
 * The watcher's recording and dispatching glue wired as session/federation.ts wires it, over the
 * in-memory stores of `@amko-fed/queue/testing`: the real leader view, dispatch, key sync and
 * metrics (own registry), a logger whose lines the test can read, the valid followers and the
 * store guard as the test sets them.
 */
import type { ReplicationJob } from '@amko-fed/domain';
import type { StoreGuard } from '@amko-fed/queue';
import { createInMemoryStores, type InMemoryStores } from '@amko-fed/queue/testing';
import type { Logger } from 'pino';
import { createKeySync, type KeySync } from '../capture/key-sync.ts';
import { createLeaderView, type LeaderView } from '../capture/leader-view.ts';
import { createDispatch, type Dispatch } from '../dispatch/dispatch.ts';
import { createWatcherMetrics, type WatcherMetrics } from '../http/metrics.ts';
import { recordingLogger } from './unit-objects.ts';

export interface UnitFederation {
  readonly stores: InMemoryStores;
  readonly view: LeaderView;
  readonly metrics: WatcherMetrics;
  readonly dispatch: Dispatch;
  readonly sync: KeySync;
  readonly logger: Logger;
  /** Every log line written so far (parsed). */
  readonly lines: Record<string, unknown>[];
  /** The followers jobs go to (the test may change them). */
  followers: string[];
  /** The guard every append carries (undefined: unguarded). */
  guard: StoreGuard | undefined;
  /** How often the key sync reported that Redis holds another data set. */
  readonly storeChanges: number;
  /** The jobs waiting in the queues of `clusters` (default: cluster1, the leader, to cluster3), per cluster in order. */
  jobs(clusters?: readonly string[]): ReplicationJob[];
  /** Plays the replicator: takes and completes every waiting job, so that later jobs are not deduplicated into them. */
  drain(clusters?: readonly string[]): void;
  /** `events` counter value for kind and op. */
  eventsCounted(kind: string, op: 'upsert' | 'delete'): Promise<number>;
}

/** The leader and two followers. */
export const UNIT_CLUSTERS: readonly string[] = ['cluster1', 'cluster2', 'cluster3'];

export function createUnitFederation(options: { readonly followers?: readonly string[] } = {}): UnitFederation {
  const stores = createInMemoryStores();
  const view = createLeaderView();
  const metrics = createWatcherMetrics({ defaultMetrics: false });
  const dispatch = createDispatch({ queues: stores.queues, metrics });
  const { logger, lines } = recordingLogger();
  let storeChanges = 0;
  const federation: UnitFederation = {
    stores,
    view,
    metrics,
    dispatch,
    logger,
    lines,
    followers: [...(options.followers ?? ['cluster2', 'cluster3'])],
    guard: undefined,
    get storeChanges() {
      return storeChanges;
    },
    sync: createKeySync({
      log: stores.log,
      dispatch,
      index: view,
      metrics,
      logger,
      validFollowers: () => federation.followers,
      guard: () => federation.guard,
      storeChanged: () => {
        storeChanges += 1;
      },
    }),
    jobs: (clusters = UNIT_CLUSTERS) =>
      clusters.flatMap((cluster) => stores.queues.jobs(cluster).flatMap((queued) => (queued.job === undefined ? [] : [queued.job]))),
    drain(clusters = UNIT_CLUSTERS) {
      for (const cluster of clusters) {
        for (let job = stores.queues.take(cluster); job !== undefined; job = stores.queues.take(cluster)) stores.queues.complete(cluster, job.id);
      }
    },
    async eventsCounted(kind, op) {
      return (await metrics.events.get()).values.find((v) => v.labels['kind'] === kind && v.labels['op'] === op)?.value ?? 0;
    },
  };
  return federation;
}
