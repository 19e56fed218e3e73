/**
 * This cluster's role, decided from every AMKOCluster in the cluster (AMKO counts them in all
 * namespaces) and the watcher's own namespace: the functional core of the role capability.
 *
 * Deliberate difference from AMKO: with more than one AMKOCluster, AMKO writes no status (its
 * status writer needs exactly one object). We know which object is ours (the one in the pod's
 * namespace), so it gets `invalid AMKOCluster object` with AMKO's message
 * `only one AMKOClusterObject allowed per cluster`, which makes the problem visible.
 */
import {
  AMKOClusterOutcome,
  readEpoch,
  validateAMKOCluster,
  type LeaderSpec,
  type ObjectMeta,
} from '@amko-fed/domain';

export const Role = {
  /** No AMKOCluster at all: nothing to do, no status. */
  None: 'none',
  /** More than one AMKOCluster: federate nothing. */
  TooMany: 'too-many',
  Follower: 'follower',
  Invalid: 'invalid',
  Leader: 'leader',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** An AMKOCluster whose status the watcher writes. */
export interface StatusTarget {
  readonly namespace: string;
  readonly name: string;
}

export type RoleDecision =
  | { readonly role: typeof Role.None; readonly reason: string }
  | { readonly role: typeof Role.TooMany; readonly reason: string; readonly targets: readonly StatusTarget[] }
  | {
      readonly role: typeof Role.Follower;
      readonly target: StatusTarget;
      readonly clusterContext: string;
      readonly clusters: readonly string[];
      /** A leadership epoch still on the AMKOCluster (removed: a follower holds none). */
      readonly epoch?: number | undefined;
    }
  | { readonly role: typeof Role.Invalid; readonly reason: string; readonly target: StatusTarget | undefined; readonly clusterContext: string; readonly clusters: readonly string[] }
  | {
      readonly role: typeof Role.Leader;
      readonly target: StatusTarget;
      readonly spec: LeaderSpec;
      readonly generation: number | undefined;
      /** The epoch of this leadership on the AMKOCluster; undefined until it is taken. */
      readonly epoch?: number | undefined;
    }

/** Reads `metadata.namespace/name` and `spec.<field>` leniently from raw JSON. */
function metaOf(raw: unknown): { namespace: string; name: string } | undefined {
  const metadata = (raw as { metadata?: Partial<ObjectMeta> } | undefined)?.metadata;
  if (typeof metadata?.name !== 'string') return undefined;
  return { namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '', name: metadata.name };
}

function specOf(raw: unknown): { clusterContext: string; clusters: string[] } {
  const spec = (raw as { spec?: { clusterContext?: unknown; clusters?: unknown } } | undefined)?.spec;
  const clusterContext = typeof spec?.clusterContext === 'string' ? spec.clusterContext : '';
  const clusters = Array.isArray(spec?.clusters) ? spec.clusters.filter((c): c is string => typeof c === 'string') : [];
  return { clusterContext, clusters };
}

/**
 * @param all every AMKOCluster in the cluster (all namespaces), raw JSON.
 * @param ownNamespace the watcher pod's namespace: the AMKOCluster there is this cluster's own.
 */
export function decideRole(all: readonly unknown[], ownNamespace: string): RoleDecision {
  const own = all.find((item) => metaOf(item)?.namespace === ownNamespace) ?? (all.length === 1 ? all[0] : undefined);
  const validation = validateAMKOCluster(own, all);
  switch (validation.outcome) {
    case AMKOClusterOutcome.NoObject:
      return { role: Role.None, reason: validation.reason };
    case AMKOClusterOutcome.TooMany: {
      const targets = all.map(metaOf).filter((m): m is StatusTarget => m !== undefined && m.namespace === ownNamespace);
      return { role: Role.TooMany, reason: validation.reason, targets };
    }
    case AMKOClusterOutcome.Follower: {
      const meta = validation.object.metadata;
      return { role: Role.Follower, target: { namespace: meta.namespace ?? '', name: meta.name }, ...specOf(validation.object), epoch: readEpoch(validation.object) };
    }
    case AMKOClusterOutcome.Invalid:
      return { role: Role.Invalid, reason: validation.reason, target: metaOf(validation.object ?? own), ...specOf(own) };
    case AMKOClusterOutcome.Leader: {
      const meta = validation.object.metadata;
      return {
        role: Role.Leader,
        target: { namespace: meta.namespace ?? '', name: meta.name },
        spec: validation.spec,
        generation: meta.generation,
        epoch: readEpoch(validation.object),
      };
    }
    default: {
      const _exhaustive: never = validation;
      return { role: Role.None, reason: 'unknown AMKOCluster validation outcome' };
    }
  }
}

/** Whether two decisions lead to the same behaviour (used to log role changes once). */
export function sameRole(a: RoleDecision | undefined, b: RoleDecision): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
