/**
 * The replicator's Prometheus metrics, in their own prom-client Registry (no global default
 * registry). Queue depth is collected on scrape from BullMQ's counts. The names both workloads
 * share (process_*, nodejs_*, amko_fed_build_info, amko_fed_redis_up, amko_fed_kube_requests_total)
 * come from @amko-fed/service.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerProcessMetrics } from '@amko-fed/service';
import type { JobCounts } from '@amko-fed/queue';

export interface ReplicatorMetrics {
  readonly registry: Registry;
  /** One finished attempt: its outcome and how long it took. */
  observeAttempt(cluster: string, outcome: string, seconds: number): void;
  /** A leader change reached the follower (a job enqueued for a watched change): seconds since it was captured. */
  observeEventToApplied(cluster: string, seconds: number): void;
  /**
   * The follower was changed by a job a resync or a replay enqueued (drift, an object missing on the
   * follower, a re-drive): counted here, never in the leader-change latency histogram.
   */
  countRepair(cluster: string, reason: string): void;
  /** An attempt ended with the follower holding the leader's state (created, updated, deleted, noop). */
  markSuccess(cluster: string, atSeconds: number): void;
  /** An attempt failed and will be retried. */
  countRetry(cluster: string): void;
  /** The stall watchdog replaced the follower's worker (it had stopped taking jobs). */
  countWorkerRestart(cluster: string): void;
}

export interface MetricsOptions {
  /** Followers whose queue depth is reported, and their counts (read on every scrape). */
  readonly queueDepth: {
    clusters(): readonly string[];
    counts(cluster: string): Promise<JobCounts>;
  };
  /** Also export process metrics (CPU, memory, event loop lag). @defaultValue true */
  readonly processMetrics?: boolean;
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

export function createReplicatorMetrics(options: MetricsOptions): ReplicatorMetrics {
  const registry = new Registry();
  // Unprefixed since issue #14 (were amko_fed_replicator_process_* / amko_fed_replicator_nodejs_*): the watcher's names.
  if (options.processMetrics ?? true) registerProcessMetrics(registry);

  const applies = new Counter({
    name: 'amko_fed_replicator_applies_total',
    help: 'Finished apply attempts per follower and outcome (created, updated, deleted, noop, failed, fenced).',
    labelNames: ['cluster', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'amko_fed_replicator_apply_duration_seconds',
    help: 'Time one apply attempt took (projection read, fence, GET, write, result record).',
    labelNames: ['cluster'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const eventToApplied = new Histogram({
    name: 'amko_fed_replicator_event_to_applied_seconds',
    help: 'Time from the leader change being captured (projection entry time) to the follower being changed.',
    labelNames: ['cluster'] as const,
    buckets: [0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120, 600],
    registers: [registry],
  });
  const repairs = new Counter({
    name: 'amko_fed_replicator_drift_repairs_total',
    help: 'Changes made on a follower by jobs a resync (drift, missing or extra object) or a replay enqueued, by follower and reason (resync, replay). Not leader changes: these never enter amko_fed_replicator_event_to_applied_seconds.',
    labelNames: ['cluster', 'reason'] as const,
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'amko_fed_replicator_last_successful_apply_timestamp_seconds',
    help: 'Unix time of the last attempt that left the follower holding the leader\'s state (created, updated, deleted or noop), per follower and replica (aggregate with max()).',
    labelNames: ['cluster'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'amko_fed_replicator_retries_total',
    help: 'Failed attempts that will be retried with backoff.',
    labelNames: ['cluster'] as const,
    registers: [registry],
  });
  const workerRestarts = new Counter({
    name: 'amko_fed_replicator_worker_restarts_total',
    help: 'Follower workers the stall watchdog closed and replaced: runnable jobs waited longer than WORKER_STALL_TIMEOUT without the worker starting one, or its blocking Redis connection had ended.',
    labelNames: ['cluster'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'amko_fed_replicator_queue_depth',
    help: 'Jobs per follower queue and state, read from Redis on scrape: shared queue state, the same on every replica (aggregate with max(), never sum()).',
    labelNames: ['cluster', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const clusters = options.queueDepth.clusters();
      const all = await Promise.allSettled(clusters.map((cluster) => options.queueDepth.counts(cluster)));
      all.forEach((result, index) => {
        if (result.status !== 'fulfilled') return;
        const cluster = clusters[index] as string;
        for (const state of QUEUE_STATES) this.set({ cluster, state }, result.value[state]);
      });
    },
  });

  return {
    registry,
    observeAttempt(cluster, outcome, seconds) {
      applies.inc({ cluster, outcome });
      duration.observe({ cluster }, seconds);
    },
    observeEventToApplied: (cluster, seconds) => eventToApplied.observe({ cluster }, Math.max(0, seconds)),
    countRetry: (cluster) => retries.inc({ cluster }),
    countWorkerRestart: (cluster) => workerRestarts.inc({ cluster }),
    countRepair: (cluster, reason) => repairs.inc({ cluster, reason }),
    markSuccess: (cluster, atSeconds) => lastSuccess.set({ cluster }, atSeconds),
  };
}
