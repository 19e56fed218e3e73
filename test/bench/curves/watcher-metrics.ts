/**
 * The watcher's own figures from its /metrics (Prometheus text): how many resyncs it completed and
 * how long they took (amko_fed_watcher_resync_duration_seconds), and the jobs it enqueued.
 */

export interface WatcherCounters {
  readonly resyncs: number;
  readonly resyncSeconds: number;
  readonly jobsEnqueued: number;
}

/** Sum of every series of `name` (any labels) in a Prometheus text exposition; 0 when absent. */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(rest.includes('}') ? '}' : ' ') + 1).trim().split(' ')[0]);
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
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
