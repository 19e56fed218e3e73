/** What one grid point measured (see measure-point.ts for how). */
import type { GridPoint } from './grid.ts';

export interface PointResult extends GridPoint {
  /** followers × objects. */
  readonly copies: number;
  /** Watcher start → every follower holds every object (ms). */
  readonly initialSyncMs: number;
  /** copies / initial sync seconds. */
  readonly appliesPerS: number;
  /** A follower added to spec.clusters of the converged federation → it holds every object (ms). */
  readonly newFollowerSyncMs: number;
  /** The steady-state resync: the watcher's own duration (its resync histogram), the wall time from the trigger, the jobs it enqueued. */
  readonly resync: { readonly watcherMs: number; readonly wallMs: number; readonly jobs: number };
  /** Single leader writes until applied on every follower (ms). */
  readonly latency: { readonly p50: number; readonly p99: number; readonly writes: number; readonly lost: number };
  /** Peak VmRSS over the point (MB). */
  readonly rss: { readonly watcherMb: number; readonly replicatorMb: number };
  /** Redis INFO used_memory once the followers are converged (bytes), before the new follower joins. */
  readonly redisUsedBytes: number;
  /** 1-minute load average before and after the point. */
  readonly load: { readonly before: number; readonly after: number };
  /** Wall time of the whole point, federation start to stop (s). */
  readonly seconds: number;
}
