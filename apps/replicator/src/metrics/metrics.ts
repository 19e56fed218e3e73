/**
 * The replicator's Prometheus metrics, in their own prom-client Registry (no global default
 * registry). Queue depth is collected on scrape from BullMQ's counts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobCounts } from '@amko-fed/queue';

export interface ReplicatorMetrics {
  readonly registry: Registry;
  /** One finished attempt: its outcome and how long it took. */
  observeAttempt(cluster: string, outcome: string, seconds: number): void;
  /** A change reached the follower: seconds since the leader change was captured. */
  observeEventToApplied(cluster: string, seconds: number): void;
  /** An attempt failed and will be retried. */
  countRetry(cluster: string): void;
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
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'amko_fed_replicator_' });

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
  const retries = new Counter({
    name: 'amko_fed_replicator_retries_total',
    help: 'Failed attempts that will be retried with backoff.',
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
  };
}
