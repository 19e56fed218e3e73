/**
 * The checks behind /readyz and health(): Redis answers, the member registry can be read and the
 * replicator follows it (its board and /replay know the followers: with several replicas behind one
 * Service, a replica that is still starting must not take requests), the members kubeconfig is
 * usable. Every detail is secret-free.
 */
import type { MemberRegistry } from '@amko-fed/queue';
import type { ReadinessCheck } from '@amko-fed/service';
import type { RedisHealth } from './adapters.ts';
import type { ClusterClients } from './clusters/cluster-clients.ts';
import { knownFollowers } from './workers-by-member/desired-workers.ts';

export interface ReadinessDeps {
  readonly redis: Pick<RedisHealth, 'problem'>;
  readonly registry: Pick<MemberRegistry, 'readMembers'>;
  readonly clusters: Pick<ClusterClients, 'problem'>;
  /** True once the replicator has taken in the registry's current document (workers, board, replay). */
  readonly following: () => boolean;
}

async function registryCheck(registry: ReadinessDeps['registry'], following: boolean): Promise<ReadinessCheck> {
  try {
    const document = await registry.readMembers();
    const detail = document === undefined ? 'not published yet' : `revision ${document.revision}, leader ${document.leader}, ${knownFollowers(document).length} followers`;
    if (!following) return { name: 'member-registry', ok: false, detail: `${detail}; not followed yet (the replicator is starting)` };
    return { name: 'member-registry', ok: true, detail };
  } catch (err) {
    return { name: 'member-registry', ok: false, detail: err instanceof Error ? err.message : 'unreadable' };
  }
}

export function createReadiness(deps: ReadinessDeps): () => Promise<ReadinessCheck[]> {
  return async () => {
    const redis = await deps.redis.problem();
    // Without Redis, reading the registry would wait for the reconnect (and the probe time out).
    const registry = redis === undefined ? await registryCheck(deps.registry, deps.following()) : { name: 'member-registry', ok: false, detail: 'waiting for Redis' };
    const kubeconfig = deps.clusters.problem;
    return [
      { name: 'redis', ok: redis === undefined, ...(redis === undefined ? {} : { detail: redis }) },
      registry,
      { name: 'members-kubeconfig', ok: kubeconfig === undefined, ...(kubeconfig === undefined ? {} : { detail: kubeconfig }) },
    ];
  };
}
