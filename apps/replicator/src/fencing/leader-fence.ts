/**
 * Fencing (ARCHITECTURE §2.2, §4): never write into a cluster whose AMKOCluster in avi-system says
 * `isLeader: true`, nor into a follower whose fencing token names a later leadership than this
 * leader's (a higher epoch, or the same epoch taken by another leader that won the token). Both
 * answers are looked up together and cached per cluster for FENCE_CACHE_TTL, so a burst costs one
 * LIST and one GET per follower and TTL; concurrent checks share one lookup. A lookup that fails
 * is not cached and fails the job with a retryable error: an unverified cluster is never written.
 * (Each copy also carries its writer's epoch, checked fresh on every apply: apply-object.ts.)
 */
import {
  AMKO_CLUSTER_KIND,
  AVI_SYSTEM_NAMESPACE,
  decideFence,
  fencedMessage,
  FencedLeaderError,
  FenceVerdict,
  type KubeObject,
  type LeaderTerm,
} from '@amko-fed/domain';
import { readFenceToken, type ClusterClient } from '@amko-fed/kube';

export interface LeaderFenceOptions {
  readonly ttlMs: number;
  /** Milliseconds of a monotonic-enough clock. @defaultValue Date.now */
  readonly now?: () => number;
}

export interface LeaderFence {
  /**
   * Resolves when `client`'s cluster is not a leader and its token does not outrank `self` (this
   * leader's term; undefined for a leader without an epoch: then only the isLeader check applies);
   * throws FencedLeaderError otherwise.
   */
  check(cluster: string, client: ClusterClient, self?: LeaderTerm): Promise<void>;
  /** Looks the cluster up now, ignoring the cache (a reachability probe); same result as `check`. */
  refresh(cluster: string, client: ClusterClient, self?: LeaderTerm): Promise<void>;
  /** Forgets every cached answer (e.g. after the kubeconfig changed). */
  clear(): void;
}

interface Facts {
  readonly isLeader: boolean;
  readonly token: LeaderTerm | undefined;
}

interface Entry {
  readonly until: number;
  readonly lookup: Promise<Facts>;
}

/** True when any AMKOCluster of the list says `spec.isLeader: true` (pure). */
export function saysLeader(items: readonly KubeObject[]): boolean {
  return items.some((item) => (item['spec'] as { isLeader?: unknown } | undefined)?.isLeader === true);
}

/** Why `self` may not write into `cluster` given what it holds, undefined when it may (pure). */
export function fenceReason(cluster: string, facts: Facts, self: LeaderTerm | undefined): string | undefined {
  if (facts.isLeader) return `refusing to write into cluster ${cluster}: its AMKOCluster says isLeader: true`;
  if (self === undefined) return undefined;
  const decision = decideFence(facts.token, self);
  return decision.verdict === FenceVerdict.Fenced ? fencedMessage(cluster, decision.by, self) : undefined;
}

export function createLeaderFence(options: LeaderFenceOptions): LeaderFence {
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();

  function lookup(cluster: string, client: ClusterClient): Promise<Facts> {
    const started = now();
    const pending = Promise.all([client.list(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE), readFenceToken(client)]).then(([list, token]) => ({
      isLeader: saysLeader(list.items),
      token,
    }));
    // Cached from the start so that concurrent checks share it; the TTL counts from the request.
    cache.set(cluster, { until: started + options.ttlMs, lookup: pending });
    pending.catch(() => {
      if (cache.get(cluster)?.lookup === pending) cache.delete(cluster);
    });
    return pending;
  }

  async function verdict(cluster: string, facts: Promise<Facts>, self: LeaderTerm | undefined): Promise<void> {
    const reason = fenceReason(cluster, await facts, self);
    if (reason !== undefined) throw new FencedLeaderError(cluster, { reason });
  }

  return {
    check(cluster, client, self) {
      const entry = cache.get(cluster);
      return verdict(cluster, entry !== undefined && entry.until > now() ? entry.lookup : lookup(cluster, client), self);
    },
    refresh: (cluster, client, self) => verdict(cluster, lookup(cluster, client), self),
    clear: () => cache.clear(),
  };
}
