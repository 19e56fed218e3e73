/**
 * The watcher's own figures from its /metrics (Prometheus text): how many resyncs it completed and
 * how long they took (amko_fed_watcher_resync_duration_seconds), and the jobs it enqueued.
 */
import { metricSum } from '../support/prometheus-text.ts';

export interface WatcherCounters {
  readonly resyncs: number;
  readonly resyncSeconds: number;
  readonly jobsEnqueued: number;
}

export function watcherCounters(text: string): WatcherCounters {
  return {
    resyncs: metricSum(text, 'amko_fed_watcher_resync_duration_seconds_count'),
    resyncSeconds: metricSum(text, 'amko_fed_watcher_resync_duration_seconds_sum'),
    jobsEnqueued: metricSum(text, 'amko_fed_watcher_jobs_enqueued_total'),
  };
}

/** Reads the counters from a watcher's ops server (`http://127.0.0.1:<port>`). */
export async function readWatcherCounters(url: string): Promise<WatcherCounters> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
  return watcherCounters(await response.text());
}
