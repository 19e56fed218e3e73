/**
 * The fencing token on a follower (ARCHITECTURE §2.2): a Lease `amko-federation-fence` in
 * avi-system naming the leader it follows (`spec.holderIdentity`) and that leader's epoch
 * (annotation). A leader stamps it by compare-and-set only: a create that fails with 409 or a
 * replace at a resourceVersion that moved re-reads the token and decides again, so of two leaders
 * racing for it exactly one wins. Read and written through the generic object requests, so the
 * replicator never loads client-node for it.
 */
import {
  ConflictError,
  decideFence,
  fenceStamp,
  FENCE_LEASE_KIND,
  FENCE_LEASE_NAME,
  FENCE_LEASE_NAMESPACE,
  FenceVerdict,
  termOfFence,
  type KubeObject,
  type LeaderTerm,
} from '@amko-fed/domain';
import type { ClusterClient } from './cluster-client.ts';

export type FenceTokenClient = Pick<ClusterClient, 'get' | 'create' | 'replace'>;

export type StampOutcome =
  | { readonly verdict: typeof FenceVerdict.Held | 'stamped'; readonly previous: LeaderTerm | undefined }
  | { readonly verdict: typeof FenceVerdict.Fenced; readonly by: LeaderTerm };

/** A compare-and-set that lost this many times in a row is given up as a conflict (retryable). */
const MAX_ROUNDS = 5;

/** The term the follower's token holds, undefined when it has none. */
export async function readFenceToken(client: Pick<ClusterClient, 'get'>): Promise<LeaderTerm | undefined> {
  return termOfFence(await client.get(FENCE_LEASE_KIND, FENCE_LEASE_NAMESPACE, FENCE_LEASE_NAME));
}

function tokenBody(term: LeaderTerm, now: Date, current: KubeObject | undefined): KubeObject {
  const stamp = fenceStamp(term, now);
  const spec = (current?.['spec'] ?? {}) as Record<string, unknown>;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...(current?.metadata ?? {}),
      name: FENCE_LEASE_NAME,
      namespace: FENCE_LEASE_NAMESPACE,
      annotations: { ...(current?.metadata.annotations ?? {}), ...stamp.annotations },
      labels: { ...(current?.metadata.labels ?? {}), 'app.kubernetes.io/managed-by': 'amko-federation' },
    },
    spec: { ...spec, holderIdentity: stamp.holderIdentity, renewTime: stamp.renewTime },
  };
}

/**
 * Makes the follower's token name `self`, unless it names a later leadership (then `fenced`, with
 * the term that outranks `self`). Errors of the requests (unreachable, 403) are thrown as they are.
 */
export async function stampFenceToken(client: FenceTokenClient, self: LeaderTerm, now: () => Date = () => new Date()): Promise<StampOutcome> {
  for (let round = 1; ; round += 1) {
    const current = await client.get(FENCE_LEASE_KIND, FENCE_LEASE_NAMESPACE, FENCE_LEASE_NAME);
    const previous = termOfFence(current);
    const decision = decideFence(previous, self);
    switch (decision.verdict) {
      case FenceVerdict.Held:
        return { verdict: FenceVerdict.Held, previous };
      case FenceVerdict.Fenced:
        return { verdict: FenceVerdict.Fenced, by: decision.by };
      case FenceVerdict.Stamp:
        break;
      default: {
        const _exhaustive: never = decision;
        throw new Error('unknown fence verdict');
      }
    }
    try {
      if (current === undefined) await client.create(FENCE_LEASE_KIND, FENCE_LEASE_NAMESPACE, tokenBody(self, now(), undefined));
      else await client.replace(FENCE_LEASE_KIND, FENCE_LEASE_NAMESPACE, FENCE_LEASE_NAME, tokenBody(self, now(), current));
      return { verdict: 'stamped', previous };
    } catch (err) {
      if (!(err instanceof ConflictError) || round >= MAX_ROUNDS) throw err;
    }
  }
}
