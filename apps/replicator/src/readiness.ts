/**
 * The checks behind /readyz and health(): Redis answers, the member registry can be read, the
 * members kubeconfig is usable. Every detail is secret-free.
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
}

async function registryCheck(registry: ReadinessDeps['registry']): Promise<ReadinessCheck> {
  try {
    const document = await registry.readMembers();
    return {
      name: 'member-registry',
      ok: true,
      detail: document === undefined ? 'not published yet' : `revision ${document.revision}, leader ${document.leader}, ${knownFollowers(document).length} followers`,
    };
  } catch (err) {
    return { name: 'member-registry', ok: false, detail: err instanceof Error ? err.message : 'unreadable' };
  }
}

export function createReadiness(deps: ReadinessDeps): () => Promise<ReadinessCheck[]> {
  return async () => {
    const redis = await deps.redis.problem();
    // Without Redis, reading the registry would wait for the reconnect (and the probe time out).
    const registry = redis === undefined ? await registryCheck(deps.registry) : { name: 'member-registry', ok: false, detail: 'waiting for Redis' };
    const kubeconfig = deps.clusters.problem;
    return [
      { name: 'redis', ok: redis === undefined, ...(redis === undefined ? {} : { detail: redis }) },
      registry,
      { name: 'members-kubeconfig', ok: kubeconfig === undefined, ...(kubeconfig === undefined ? {} : { detail: kubeconfig }) },
    ];
  };
}
