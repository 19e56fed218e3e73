/**
 * Catch-up after an outage (ARCHITECTURE §4, §7: a follower back from an outage converges within
 * 5 s). While a follower is unreachable its jobs wait in `delayed` for backoff delays of up to
 * RETRY_CAP, and new events for the same objects are deduplicated into those delayed jobs. So as
 * soon as a job sees the follower unreachable, a probe runs every PROBE_INTERVAL_MS (one cheap LIST
 * of AMKOClusters); when the follower answers again (or any job succeeds), its delayed jobs are
 * promoted to waiting at once instead of sleeping out their backoff.
 */
import type { Logger } from 'pino';

export const PROBE_INTERVAL_MS = 1_000;

export interface FollowerCatchUpOptions {
  /** Resolves when the follower answers (a FencedLeaderError counts as an answer). */
  readonly probe: (cluster: string) => Promise<void>;
  /** Moves the follower's delayed jobs to waiting; returns how many there were. */
  readonly promote: (cluster: string) => Promise<number>;
  readonly logger: Logger;
  /** @defaultValue PROBE_INTERVAL_MS */
  readonly intervalMs?: number;
}

export interface FollowerCatchUp {
  /** Reported by every attempt that talked to the follower. */
  reachability(cluster: string, reachable: boolean): void;
  /** Clusters currently considered unreachable. */
  unreachable(): string[];
  /** Stops probing a cluster (its worker stopped). */
  forget(cluster: string): void;
  stop(): void;
}

export function createFollowerCatchUp(options: FollowerCatchUpOptions): FollowerCatchUp {
  const logger = options.logger.child({ component: 'catch-up' });
  const intervalMs = options.intervalMs ?? PROBE_INTERVAL_MS;
  const probes = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  async function recovered(cluster: string): Promise<void> {
    const timer = probes.get(cluster);
    if (timer === undefined) return;
    clearTimeout(timer);
    probes.delete(cluster);
    try {
      const promoted = await options.promote(cluster);
      logger.info({ cluster, promoted }, 'Follower is reachable again; retrying its delayed jobs now');
    } catch (err) {
      logger.warn({ cluster, err }, 'Could not promote the delayed jobs of a follower that is reachable again');
    }
  }

  function schedule(cluster: string): void {
    const timer = setTimeout(() => {
      options.probe(cluster).then(
        () => recovered(cluster),
        (err: unknown) => {
          if ((err as { code?: unknown }).code === 'FENCED_LEADER') return recovered(cluster);
          if (!stopped && probes.has(cluster)) schedule(cluster);
          return undefined;
        },
      );
    }, intervalMs);
    timer.unref();
    probes.set(cluster, timer);
  }

  return {
    reachability(cluster, reachable) {
      if (stopped) return;
      if (reachable) {
        void recovered(cluster);
      } else if (!probes.has(cluster)) {
        logger.warn({ cluster }, 'Follower is unreachable; probing it until it answers');
        schedule(cluster);
      }
    },
    unreachable: () => [...probes.keys()],
    forget(cluster) {
      clearTimeout(probes.get(cluster));
      probes.delete(cluster);
    },
    stop() {
      stopped = true;
      for (const timer of probes.values()) clearTimeout(timer);
      probes.clear();
    },
  };
}
