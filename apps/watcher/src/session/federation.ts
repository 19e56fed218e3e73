/**
 * Federation while this cluster is a valid leader: the projection index, capture (informers →
 * events → jobs), resync (at start, after relists, every RESYNC_INTERVAL, per member on demand)
 * and the replication results the status is built from. Started when the role becomes leader,
 * stopped when it is not (or the Lease is lost).
 */
import type { FederatedKind, FederationResults } from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import type { FederationLog, FollowerQueues, ResultsStore } from '@amko-fed/queue';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { createCapture, type Capture } from '../capture/capture.ts';
import { createKeySync } from '../capture/key-sync.ts';
import { createProjectionIndex } from '../capture/projection-index.ts';
import type { WatcherMetrics } from '../http/metrics.ts';
import { createResync, type Resync } from '../resync/resync.ts';
import { federationSteps } from '../status/federation-steps.ts';
import { createResultsCache } from '../status/results-cache.ts';

export interface FederationDeps {
  readonly kubeConfig: KubeConfig;
  readonly kinds: readonly FederatedKind[];
  readonly resyncIntervalMs: number;
  readonly log: FederationLog;
  readonly queues: FollowerQueues;
  readonly results: ResultsStore;
  readonly metrics: WatcherMetrics;
  readonly logger: Logger;
  validFollowers(): readonly string[];
  clientOf(cluster: string): ClusterClient | undefined;
  /** Something the federation conditions depend on changed. */
  onStatusChange(): void;
}

export interface Federation {
  /** Loads the projection and results, then starts watching; retries Redis reads until stopped. */
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly resync: Resync;
  readonly capture: Capture;
  /** The federation conditions' steps for the current valid followers. */
  steps(): FederationResults;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createFederation(deps: FederationDeps): Federation {
  const logger = deps.logger.child({ component: 'federation' });
  const index = createProjectionIndex();
  const sync = createKeySync({ log: deps.log, queues: deps.queues, index, metrics: deps.metrics, logger: deps.logger, validFollowers: deps.validFollowers });
  let stopped = false;
  let resyncTimer: NodeJS.Timeout | undefined;

  const capture: Capture = createCapture({
    kubeConfig: deps.kubeConfig,
    kinds: deps.kinds,
    sync,
    logger: deps.logger,
    onSynced: ({ relist }) => {
      logger.info({ relist }, relist ? 'Leader objects relisted, resyncing' : 'Leader objects listed, resyncing');
      resync.request();
      deps.onStatusChange();
    },
    onHealthChange: deps.onStatusChange,
  });
  const results = createResultsCache({ store: deps.results, logger: deps.logger, onChange: deps.onStatusChange });
  const resync: Resync = createResync({
    capture,
    index,
    queues: deps.queues,
    kinds: deps.kinds,
    metrics: deps.metrics,
    logger: deps.logger,
    validFollowers: deps.validFollowers,
    clientOf: deps.clientOf,
    lastApplyFailed: (cluster, key) => results.get(cluster, key)?.failed === true,
  });

  return {
    resync,
    capture,
    async start() {
      for (let attempt = 1; !stopped; attempt += 1) {
        try {
          await index.load(deps.log);
          break;
        } catch (err) {
          logger.warn({ err }, 'Could not load the projection, retrying');
          await sleep(Math.min(5_000, 100 * 2 ** attempt));
        }
      }
      if (stopped) return;
      await results.start();
      if (stopped) return;
      await capture.start();
      resyncTimer = setInterval(() => resync.request(), deps.resyncIntervalMs);
      logger.info({ kinds: deps.kinds, projected: index.size }, 'Started federation');
    },
    async stop() {
      stopped = true;
      clearInterval(resyncTimer);
      const resyncStopped = resync.stop();
      await capture.stop();
      await resyncStopped;
      await results.stop();
      logger.info('Stopped federation');
    },
    steps: () =>
      federationSteps({
        kinds: deps.kinds,
        validFollowers: deps.validFollowers(),
        projection: index.entries(),
        result: (cluster, key) => results.get(cluster, key),
        leaderProblems: capture.leaderProblems(),
      }),
  };
}
