/**
 * The watcher's Prometheus metrics, on a Registry of its own (no global default registry). The
 * names both workloads share (process_*, nodejs_*, amko_fed_build_info, amko_fed_redis_up,
 * amko_fed_kube_requests_total) come from @amko-fed/service and are registered by createWatcher.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerProcessMetrics } from '@amko-fed/service';
import type { FederatedKind } from '@amko-fed/domain';
import type { SyncCounts } from '../status/follower-sync-counts.ts';

export const RoleMetric = {
  standby: 'standby',
  none: 'none',
  follower: 'follower',
  invalid: 'invalid',
  leader: 'leader',
} as const;
export type RoleMetric = (typeof RoleMetric)[keyof typeof RoleMetric];

export interface WatcherMetrics {
  readonly registry: Registry;
  readonly events: Counter<'kind' | 'op'>;
  readonly jobsEnqueued: Counter<'cluster'>;
  readonly memberValid: Gauge<'cluster'>;
  readonly resyncDuration: Histogram<string>;
  readonly role: Gauge<'role'>;
  readonly storeLosses: Counter<'change'>;
  readonly failedRetries: Counter<'cluster'>;
  /** Unix time (seconds) of the last scheduled backup that was written and verified. */
  readonly lastSuccessfulBackup: Gauge<string>;
  readonly backupFailures: Counter<string>;
  /** This leadership's epoch (0 when none is held) and whether it is stale (ADR 0017). */
  readonly leaderEpoch: Gauge<string>;
  readonly staleLeader: Gauge<string>;
  /** Sets the role gauge: 1 for `role`, 0 for every other. */
  setRole(role: RoleMetric): void;
  /**
   * Where `amko_fed_watcher_follower_objects` and `amko_fed_watcher_follower_unlisted` are read from
   * on scrape: the federation while this replica leads, `undefined` otherwise (both are then empty).
   */
  setFollowerSource(source: FollowerMetricsSource | undefined): void;
}

/** What the per-follower gauges read on scrape. */
export interface FollowerMetricsSource {
  /** Per valid follower, the leader's objects by sync state. */
  objects(): ReadonlyMap<string, SyncCounts>;
  /** Per valid follower the last resync could not list, the kinds that failed. */
  unlisted(): ReadonlyMap<string, Iterable<FederatedKind>>;
}

/** Label values of the sync states (Prometheus label values without spaces). */
const STATE_LABEL = { 'in sync': 'in_sync', pending: 'pending', failed: 'failed' } as const;

export function createWatcherMetrics(options: { readonly defaultMetrics?: boolean } = {}): WatcherMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) registerProcessMetrics(registry);
  let followerSource: FollowerMetricsSource | undefined;
  new Gauge({
    name: 'amko_fed_watcher_follower_objects',
    help: 'Per valid follower, the leader\'s objects by sync state (in_sync, pending, failed), as amko-fed status counts them; only the leading replica reports.',
    labelNames: ['cluster', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [cluster, counts] of followerSource?.objects() ?? []) {
        for (const [state, label] of Object.entries(STATE_LABEL)) this.set({ cluster, state: label }, counts[state as keyof SyncCounts]);
      }
    },
  });
  new Gauge({
    name: 'amko_fed_watcher_follower_unlisted',
    help: 'Per valid follower and federated kind the last resync could not list there (RBAC, an error answer): 1 until a listing succeeds. Copies of objects the leader deleted cannot be found there meanwhile, so the kind\'s Federation condition names the follower; only the leading replica reports.',
    labelNames: ['cluster', 'kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [cluster, kinds] of followerSource?.unlisted() ?? []) {
        for (const kind of kinds) this.set({ cluster, kind }, 1);
      }
    },
  });
  const events = new Counter({
    name: 'amko_fed_watcher_events_total',
    help: 'Events appended to the federation log, by kind and operation (upsert, delete)',
    labelNames: ['kind', 'op'] as const,
    registers: [registry],
  });
  const jobsEnqueued = new Counter({
    name: 'amko_fed_watcher_jobs_enqueued_total',
    help: 'Replication jobs enqueued, by follower cluster',
    labelNames: ['cluster'] as const,
    registers: [registry],
  });
  const memberValid = new Gauge({
    name: 'amko_fed_watcher_member_valid',
    help: '1 when the member cluster passed validation, 0 otherwise',
    labelNames: ['cluster'] as const,
    registers: [registry],
  });
  const resyncDuration = new Histogram({
    name: 'amko_fed_watcher_resync_duration_seconds',
    help: 'Duration of full and per-member resyncs',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const role = new Gauge({
    name: 'amko_fed_watcher_role',
    help: 'This replica\'s role: 1 for the current one (standby, none, follower, invalid, leader)',
    labelNames: ['role'] as const,
    registers: [registry],
  });
  const storeLosses = new Counter({
    name: 'amko_fed_watcher_store_losses_total',
    help: 'Times Redis was found without the federation data the watcher knew (replaced: restarted empty, flushed or another server; rolled-back: an older snapshot), each answered by a rebuild from the leader',
    labelNames: ['change'] as const,
    registers: [registry],
  });
  const failedRetries = new Counter({
    name: 'amko_fed_watcher_failed_retries_total',
    help: 'Reconciles the watcher enqueued again for objects whose last apply on a follower failed, by follower',
    labelNames: ['cluster'] as const,
    registers: [registry],
  });
  const lastSuccessfulBackup = new Gauge({
    name: 'amko_fed_watcher_last_successful_backup_timestamp_seconds',
    help: 'Unix time of the last scheduled backup this replica wrote and verified (BACKUP_INTERVAL); 0 until the first one, and on replicas that never led',
    registers: [registry],
  });
  const backupFailures = new Counter({
    name: 'amko_fed_watcher_backup_failures_total',
    help: 'Scheduled backups that could not be written or failed verification',
    registers: [registry],
  });
  const leaderEpoch = new Gauge({
    name: 'amko_fed_watcher_leader_epoch',
    help: 'The leadership epoch this replica federates at (ADR 0017); 0 when it leads at none (follower, standby, not taken yet)',
    registers: [registry],
  });
  const staleLeader = new Gauge({
    name: 'amko_fed_watcher_stale_leader',
    help: '1 while this leader found a later leadership on a member (a fencing token of a higher epoch) and federates nothing; 0 otherwise',
    registers: [registry],
  });
  const setRole = (current: RoleMetric): void => {
    for (const value of Object.values(RoleMetric)) role.set({ role: value }, value === current ? 1 : 0);
  };
  setRole(RoleMetric.standby);
  return {
    registry, events, jobsEnqueued, memberValid, resyncDuration, role, storeLosses, failedRetries, lastSuccessfulBackup, backupFailures, leaderEpoch, staleLeader, setRole,
    setFollowerSource(source) {
      followerSource = source;
    },
  };
}
