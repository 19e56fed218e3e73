/**
 * Federation while this cluster is a valid leader: the projection index, capture (informers →
 * events → jobs), resync (at start, after relists, every RESYNC_INTERVAL, per member on demand),
 * the replication results the status is built from, the guard of the Redis data set (a loss is
 * answered by a rebuild from the leader: store-guard.ts) and the retry of failed objects
 * (retry-failed.ts). Started when the role becomes leader, stopped when it is not (or the Lease is
 * lost).
 */
import { SyncState, syncStateOf, type FederatedKind, type FederationResults } from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import type { FederationLog, FollowerQueues, ResultsStore, StoreChange } from '@amko-fed/queue';
import type { Logger } from 'pino';
import { createCapture, type Capture } from '../capture/capture.ts';
import { createKeySync } from '../capture/key-sync.ts';
import { createLeaderView } from '../capture/leader-view.ts';
import { createStoreGuard, STORE_CHECK_INTERVAL_MS } from '../capture/store-guard.ts';
import { createDispatch } from '../dispatch/dispatch.ts';
import type { WatcherMetrics } from '../http/metrics.ts';
import { createPendingReconciles } from '../resync/pending-reconciles.ts';
import { createResync, type ListingProblems, type Resync } from '../resync/resync.ts';
import { dueRetries, FAILED_RETRY_BASE_MS } from '../resync/retry-failed.ts';
import { createRetention } from '../retention/retention.ts';
import { createPassLock } from './pass-lock.ts';
import { createScheduledBackup } from '../backup/scheduled-backup.ts';
import type { BackupConfig } from '../config.ts';
import { federationSteps } from '../status/federation-steps.ts';
import { followerSyncCounts } from '../status/follower-sync-counts.ts';
import { createResultsCache } from '../status/results-cache.ts';

export interface FederationDeps {
  /** The leader cluster (its informers). */
  readonly local: ClusterClient;
  readonly kinds: readonly FederatedKind[];
  readonly resyncIntervalMs: number;
  /** @defaultValue FAILED_RETRY_BASE_MS */
  readonly failedRetryBaseMs?: number;
  readonly log: FederationLog;
  readonly queues: FollowerQueues;
  readonly results: ResultsStore;
  readonly metrics: WatcherMetrics;
  readonly logger: Logger;
  validFollowers(): readonly string[];
  clientOf(cluster: string): ClusterClient | undefined;
  /** Something the federation conditions depend on changed. */
  onStatusChange(): void;
  /** Redis lost the federation data: whatever else lives in Redis (the member registry, queue states) must be written again. */
  onStoreLost(): void;
  /** @defaultValue () => Date.now() */
  now?(): number;
  /** The leader cluster's context name (AMKOCluster spec.clusterContext), recorded in the history. */
  leaderName?(): string | undefined;
  /** This leadership's epoch (copies of an earlier one are re-stamped by resync; backups record it). */
  epoch?(): number | undefined;
  /** Least time between two pruning passes (tombstones, results, history). @defaultValue RETENTION_INTERVAL_MS */
  readonly retentionIntervalMs?: number;
  /** Scheduled backups of the leader's objects (BACKUP_INTERVAL); none when undefined. */
  readonly backup?: BackupConfig | undefined;
}

export interface Federation {
  /** Loads the projection and results, then starts watching; retries Redis reads until stopped. */
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly resync: Resync;
  readonly capture: Capture;
  /** The federation conditions' steps for the current valid followers. */
  steps(): FederationResults;
  /** Checks that Redis still holds the federation data (e.g. after a reconnect); rebuilds when it does not. */
  checkStore(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createFederation(deps: FederationDeps): Federation {
  const logger = deps.logger.child({ component: 'federation' });
  const now = deps.now ?? (() => Date.now());
  /** The one in-memory view of the leader's objects: what the leader has and what the projection records. */
  const index = createLeaderView();
  const guard = createStoreGuard({ log: deps.log, index, logger: deps.logger, onLost: (change) => rebuild(change) });
  const dispatch = createDispatch({ queues: deps.queues, metrics: deps.metrics });
  const sync = createKeySync({
    log: deps.log,
    dispatch,
    index,
    metrics: deps.metrics,
    logger: deps.logger,
    validFollowers: deps.validFollowers,
    guard: () => guard.current(),
    ...(deps.leaderName === undefined ? {} : { leaderName: deps.leaderName }),
    ...(deps.epoch === undefined ? {} : { epoch: deps.epoch }),
    storeChanged: () => void checkStore(),
  });
  let stopped = false;
  let resyncTimer: NodeJS.Timeout | undefined;
  let tickTimer: NodeJS.Timeout | undefined;
  let retries = new Map<string, number>();
  /** Per follower, what the last resync found different and reconciled (until results catch up). */
  const pending = createPendingReconciles();
  /** Per follower the last resync could not list, the kinds that failed and why (until a listing succeeds). */
  const unlisted = new Map<string, ListingProblems>();

  const capture: Capture = createCapture({
    local: deps.local,
    kinds: deps.kinds,
    view: index,
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
  const passes = createPassLock();
  const retention = createRetention({
    log: deps.log,
    results: deps.results,
    index,
    cache: results,
    pending,
    logger: deps.logger,
    validFollowers: deps.validFollowers,
    now,
    passes,
    ...(deps.retentionIntervalMs === undefined ? {} : { intervalMs: deps.retentionIntervalMs }),
  });
  const backup = deps.backup === undefined
    ? undefined
    : createScheduledBackup({
      config: deps.backup,
      local: deps.local,
      metrics: deps.metrics,
      logger: deps.logger,
      now: () => new Date(now()),
      ...(deps.leaderName === undefined ? {} : { leaderName: deps.leaderName }),
      ...(deps.epoch === undefined ? {} : { epoch: deps.epoch }),
    });
  const resync: Resync = createResync({
    capture,
    index,
    dispatch,
    kinds: deps.kinds,
    metrics: deps.metrics,
    logger: deps.logger,
    validFollowers: deps.validFollowers,
    clientOf: deps.clientOf,
    passes,
    ...(deps.epoch === undefined ? {} : { epoch: deps.epoch }),
    // A failed result, a result about an older seq, and no result at all on this follower (a new
    // leader whose followers already hold its copies; a job or a result Redis lost in a failover
    // that left its seq counter as it was; a change this resync recorded itself): one reconcile
    // confirms the state (a no-op where the follower already holds it) and records a result, so the
    // status and amko-fed status stop saying "not applied yet". Tombstones too: the listing cannot
    // see an apply of an older state still in flight (read before the deletion was recorded), which
    // creates the object after the follower was listed; the reconcile waits behind that apply
    // (deduplication keeps the latest enqueue of an active job) and deletes it again. Once every
    // pair's result is current, a steady-state resync still enqueues nothing; a job still waiting
    // absorbs the duplicate.
    unconfirmed: (cluster, key) => {
      const entry = index.get(key);
      if (entry === undefined) return false;
      const result = results.get(cluster, key);
      return result === undefined || syncStateOf(entry, result) !== SyncState.inSync;
    },
    onDivergences: (found, listingProblems) => {
      for (const [cluster, differences] of found) {
        if (differences === undefined) pending.delete(cluster);
        else pending.replace(cluster, differences);
        const problems = listingProblems.get(cluster);
        if (problems === undefined) unlisted.delete(cluster);
        else unlisted.set(cluster, problems);
      }
      deps.onStatusChange();
    },
  });

  /** After a loss the index is already reloaded: the leader's state is written again by a full resync. */
  async function rebuild(change: StoreChange): Promise<void> {
    deps.metrics.storeLosses.inc({ change });
    retries = new Map();
    pending.clear();
    resync.request();
    deps.onStoreLost();
    await results.reset();
  }

  async function checkStore(): Promise<void> {
    try {
      await guard.check();
    } catch (err) {
      logger.warn({ err }, 'Could not check the federation data in Redis, retrying');
    }
  }

  async function retryFailed(): Promise<void> {
    const due = dueRetries({
      failures: results.failures(),
      validFollowers: deps.validFollowers(),
      seqOf: (key) => index.get(key)?.seq,
      retries,
      nowMs: now(),
      baseMs: deps.failedRetryBaseMs ?? FAILED_RETRY_BASE_MS,
      capMs: deps.resyncIntervalMs,
    });
    retries = due.retries;
    if (due.jobs.length === 0) return;
    try {
      await dispatch(due.jobs);
      for (const job of due.jobs) deps.metrics.failedRetries.inc({ cluster: job.cluster });
      logger.info({ pairs: due.jobs.map((j) => `${j.cluster}/${j.objectKey}`) }, 'Retrying objects whose last apply failed');
    } catch (err) {
      logger.warn({ err }, 'Could not enqueue the retry of failed objects; retrying at the next check');
    }
  }

  async function tick(): Promise<void> {
    await checkStore();
    if (!stopped) await retryFailed();
    if (!stopped) await retention.pruneIfDue();
    // In the background (a pass may take longer than a tick); passes never overlap.
    if (!stopped) backup?.runIfDue();
  }

  function scheduleTick(): void {
    if (stopped) return;
    tickTimer = setTimeout(() => void tick().finally(scheduleTick), STORE_CHECK_INTERVAL_MS);
  }

  return {
    resync,
    capture,
    checkStore,
    async start() {
      for (let attempt = 1; !stopped; attempt += 1) {
        try {
          await index.load(deps.log.scanProjection());
          await guard.claim();
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
      scheduleTick();
      deps.metrics.setFollowerSource({
        objects: () =>
          followerSyncCounts({
            validFollowers: deps.validFollowers(),
            projection: index.entries(),
            result: (cluster, key) => results.get(cluster, key),
            pending: (cluster, key) => pending.get(cluster, key),
          }),
        unlisted: () => new Map(deps.validFollowers().flatMap((cluster) => {
          const problems = unlisted.get(cluster);
          return problems === undefined ? [] : [[cluster, problems.keys()] as const];
        })),
      });
      logger.info({ kinds: deps.kinds, projected: index.size }, 'Started federation');
    },
    async stop() {
      stopped = true;
      deps.metrics.setFollowerSource(undefined);
      clearInterval(resyncTimer);
      clearTimeout(tickTimer);
      const resyncStopped = resync.stop();
      await capture.stop();
      await resyncStopped;
      await results.stop();
      await backup?.stop();
      logger.info('Stopped federation');
    },
    steps: () =>
      federationSteps({
        kinds: deps.kinds,
        validFollowers: deps.validFollowers(),
        projection: index.entries(),
        result: (cluster, key) => results.get(cluster, key),
        pending: (cluster, key) => pending.get(cluster, key),
        unlisted: (cluster) => unlisted.get(cluster),
        leaderProblems: capture.leaderProblems(),
      }),
  };
}
