/**
 * Fencing (ARCHITECTURE §4): never write into a cluster whose AMKOCluster in avi-system says
 * `isLeader: true`. The answer is cached per cluster for FENCE_CACHE_TTL, so a burst costs one
 * LIST per follower and TTL; concurrent checks share one lookup. A lookup that fails is not
 * cached and fails the job with a retryable error: an unverified cluster is never written.
 * Leadership epochs are not checked here: the follower's fencing token and its copy are read with
 * every apply (apply-object.ts), since a cached answer would let a stale leader write after a new
 * leader's stamp.
 */
import { AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, FencedLeaderError, type KubeObject } from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';

export interface LeaderFenceOptions {
  readonly ttlMs: number;
  /** Milliseconds of a monotonic-enough clock. @defaultValue Date.now */
  readonly now?: () => number;
}

export interface LeaderFence {
  /** Resolves when `client`'s cluster is not a leader; throws FencedLeaderError when it is. */
  check(cluster: string, client: ClusterClient): Promise<void>;
  /** Looks the cluster up now, ignoring the cache (a reachability probe); same result as `check`. */
  refresh(cluster: string, client: ClusterClient): Promise<void>;
  /** Forgets every cached answer (e.g. after the kubeconfig changed). */
  clear(): void;
}

interface Entry {
  readonly until: number;
  readonly lookup: Promise<boolean>;
}

/** True when any AMKOCluster of the list says `spec.isLeader: true` (pure). */
export function saysLeader(items: readonly KubeObject[]): boolean {
  return items.some((item) => (item['spec'] as { isLeader?: unknown } | undefined)?.isLeader === true);
}

export function createLeaderFence(options: LeaderFenceOptions): LeaderFence {
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();

  function lookup(cluster: string, client: ClusterClient): Promise<boolean> {
    const started = now();
    const pending = client.list(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE).then((list) => saysLeader(list.items));
    // Cached from the start so that concurrent checks share it; the TTL counts from the request.
    cache.set(cluster, { until: started + options.ttlMs, lookup: pending });
    pending.catch(() => {
      if (cache.get(cluster)?.lookup === pending) cache.delete(cluster);
    });
    return pending;
  }

  async function verdict(cluster: string, leader: Promise<boolean>): Promise<void> {
    if (await leader) throw new FencedLeaderError(cluster);
  }

  return {
    check(cluster, client) {
      const entry = cache.get(cluster);
      return verdict(cluster, entry !== undefined && entry.until > now() ? entry.lookup : lookup(cluster, client));
    },
    refresh: (cluster, client) => verdict(cluster, lookup(cluster, client)),
    clear: () => cache.clear(),
  };
}
