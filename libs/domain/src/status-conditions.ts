/**
 * AMKOCluster status condition vocabulary: AMKO's five condition types and their status strings,
 * verbatim (reference §1), plus this system's GSLBHostRule condition (opt-in kind, not in AMKO).
 */
import type { AMKOClusterCondition } from './schemas/amko-cluster.ts';

export const ConditionType = {
  AMKOClusterValidation: 'current AMKOCluster Validation',
  MemberInitialisation: 'member cluster initialisation',
  MemberValidation: 'member cluster validation',
  GSLBConfigFederation: 'GSLBConfig Federation',
  GDPFederation: 'GDP Federation',
  /** Ours: written only when GSLBHostRule federation is enabled and reached. */
  GSLBHostRuleFederation: 'GSLBHostRule Federation',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

export const ConditionStatus = {
  ValidAMKOCluster: 'valid AMKOCluster object',
  InvalidAMKOCluster: 'invalid AMKOCluster object',
  WontFederate: "won't federate objects",
  AllClientsFetched: 'all cluster clients fetched',
  SomeClientsNotFetched: "some member cluster clients couldn't be fetched",
  /** Hard failure of member initialisation AND of member validation (AMKO reuses it, sic). */
  MemberClientsInvalid: 'member cluster clients invalid',
  ValidatedAllMembers: 'validated all member clusters',
  SomeMembersInvalid: 'error in validating some member clusters',
  FederatedToAll: 'federated to all valid clusters successfully',
  FederationPartlyFailed: 'error in federating to some clusters',
  FederationFailed: 'failure in federation',
} as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

export const NOT_A_LEADER_REASON = 'AMKO not a leader';

/** A condition as written by this system. `reason` is omitted on success (Go `omitempty`). */
export interface StatusCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
}

/**
 * Whether two condition lists are the same as far as the API server is concerned (so a patch
 * would change nothing): same order, same type/status, reason compared with absent = "".
 * Unknown extra fields are ignored (the API server prunes them).
 */
type ComparableCondition = Pick<AMKOClusterCondition, 'type' | 'status' | 'reason'>;

export function conditionsEqual(
  a: readonly ComparableCondition[] | undefined,
  b: readonly ComparableCondition[] | undefined,
): boolean {
  const left = a ?? [];
  const right = b ?? [];
  if (left.length !== right.length) return false;
  return left.every((x, i) => {
    const y = right[i];
    return (
      y !== undefined &&
      (x.type ?? '') === (y.type ?? '') &&
      (x.status ?? '') === (y.status ?? '') &&
      (x.reason ?? '') === (y.reason ?? '')
    );
  });
}
