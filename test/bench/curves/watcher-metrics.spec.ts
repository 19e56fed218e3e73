import { describe, expect, it } from 'vitest';
import { watcherCounters } from './watcher-metrics.ts';

const EXPOSITION = `# HELP amko_fed_watcher_resync_duration_seconds Duration of full and per-member resyncs
# TYPE amko_fed_watcher_resync_duration_seconds histogram
amko_fed_watcher_resync_duration_seconds_bucket{le="0.01"} 0
amko_fed_watcher_resync_duration_seconds_bucket{le="+Inf"} 3
amko_fed_watcher_resync_duration_seconds_sum 1.75
amko_fed_watcher_resync_duration_seconds_count 3
# HELP amko_fed_watcher_jobs_enqueued_total Replication jobs enqueued, by follower cluster
# TYPE amko_fed_watcher_jobs_enqueued_total counter
amko_fed_watcher_jobs_enqueued_total{cluster="follower1"} 1000
amko_fed_watcher_jobs_enqueued_total{cluster="follower2"} 1001
amko_fed_watcher_jobs_enqueued_total_other 7
`;

describe('watcherCounters', () => {
  describe('when the watcher has resynced and enqueued jobs', () => {
    it('reads the resync count and seconds and the jobs of every follower', () => {
      expect(watcherCounters(EXPOSITION)).toEqual({ resyncs: 3, resyncSeconds: 1.75, jobsEnqueued: 2001 });
    });
  });

  describe('when a metric has no sample yet', () => {
    it('counts it as 0', () => {
      expect(watcherCounters('# HELP nothing\n')).toEqual({ resyncs: 0, resyncSeconds: 0, jobsEnqueued: 0 });
    });
  });
});
