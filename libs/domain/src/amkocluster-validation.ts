/**
 * Validation of this cluster's own AMKOCluster, in AMKO's order (reference §2):
 * count (all namespaces) → leader? → sanity (namespace, clusterContext, version; first failure
 * wins). The leader check comes before sanity, so an invalid follower object is a follower.
 *
 * Deliberate difference from AMKO: `spec.clusters` need not contain `clusterContext` (the seed
 * documentation says the current cluster is ignored if present; AMKO's code requires it).
 *
 * Input is arbitrary JSON; a malformed object is `invalid` with a reason naming the field.
 */
import {
  EMPTY_CLUSTER_CONTEXT_MESSAGE,
  EMPTY_VERSION_MESSAGE,
  NAMESPACE_NOT_AVI_SYSTEM_MESSAGE,
  NO_AMKOCLUSTER_MESSAGE,
  ONLY_ONE_AMKOCLUSTER_MESSAGE,
} from './amko-messages.ts';
import { AVI_SYSTEM_NAMESPACE } from './kinds.ts';
import type { AMKOCluster } from './schemas/amko-cluster.ts';
import { parseAMKOCluster } from './schemas/federated-object.ts';

export const AMKOClusterOutcome = {
  NoObject: 'no-object',
  TooMany: 'too-many',
  Follower: 'follower',
  Invalid: 'invalid',
  Leader: 'leader',
} as const;
export type AMKOClusterOutcome = (typeof AMKOClusterOutcome)[keyof typeof AMKOClusterOutcome];

/** A leader's spec after the sanity checks: the fields AMKO requires are present and non-empty. */
export interface LeaderSpec {
  readonly isLeader: true;
  readonly clusterContext: string;
  readonly version: string;
  readonly clusters: readonly string[];
}

export type AMKOClusterValidation =
  /** No AMKOCluster in the cluster: nothing to do, no status written (AMKO). */
  | { readonly outcome: typeof AMKOClusterOutcome.NoObject; readonly reason: string }
  /** More than one in the cluster (any namespace): nothing done, no status written. */
  | { readonly outcome: typeof AMKOClusterOutcome.TooMany; readonly reason: string; readonly count: number }
  /** Not the leader: status `won't federate objects` / `AMKO not a leader`. */
  | { readonly outcome: typeof AMKOClusterOutcome.Follower; readonly object: AMKOCluster }
  /** Status `invalid AMKOCluster object` + reason. `object` is absent when it could not be parsed. */
  | { readonly outcome: typeof AMKOClusterOutcome.Invalid; readonly reason: string; readonly object: AMKOCluster | undefined }
  | { readonly outcome: typeof AMKOClusterOutcome.Leader; readonly object: AMKOCluster; readonly spec: LeaderSpec };

/**
 * @param object the AMKOCluster being reconciled; when undefined, the list's only item is used.
 * @param allAMKOClustersInCluster every AMKOCluster in the cluster, all namespaces (AMKO counts them
 *   cluster-wide).
 */
export function validateAMKOCluster(object: unknown, allAMKOClustersInCluster: readonly unknown[]): AMKOClusterValidation {
  const all: readonly unknown[] = Array.isArray(allAMKOClustersInCluster) ? allAMKOClustersInCluster : [];
  if (all.length === 0) return { outcome: AMKOClusterOutcome.NoObject, reason: NO_AMKOCLUSTER_MESSAGE };
  if (all.length > 1) return { outcome: AMKOClusterOutcome.TooMany, reason: ONLY_ONE_AMKOCLUSTER_MESSAGE, count: all.length };

  const parsed = parseAMKOCluster(object ?? all[0]);
  if (!parsed.ok) return { outcome: AMKOClusterOutcome.Invalid, reason: parsed.message, object: undefined };
  const amkoCluster = parsed.value;
  const spec = amkoCluster.spec ?? {};
  if (spec.isLeader !== true) return { outcome: AMKOClusterOutcome.Follower, object: amkoCluster };

  const invalid = (reason: string): AMKOClusterValidation => ({ outcome: AMKOClusterOutcome.Invalid, reason, object: amkoCluster });
  if (amkoCluster.metadata.namespace !== AVI_SYSTEM_NAMESPACE) return invalid(NAMESPACE_NOT_AVI_SYSTEM_MESSAGE);
  const clusterContext = spec.clusterContext ?? '';
  if (clusterContext === '') return invalid(EMPTY_CLUSTER_CONTEXT_MESSAGE);
  const version = spec.version ?? '';
  if (version === '') return invalid(EMPTY_VERSION_MESSAGE);

  return {
    outcome: AMKOClusterOutcome.Leader,
    object: amkoCluster,
    spec: { isLeader: true, clusterContext, version, clusters: spec.clusters ?? [] },
  };
}
