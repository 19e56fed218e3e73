/**
 * The functional core of member handling: how far member initialisation and validation got, which
 * followers are valid, what the member registry should say, and which followers changed state.
 */
import {
  MemberInitOutcome,
  MembersOutcome,
  NO_VALID_CLUSTER_CONTEXTS_MESSAGE,
  NO_VALID_CLUSTERS_MESSAGE,
  NOT_A_LEADER_REASON,
  toMemberInitStep,
  toMemberValidationStep,
  type ClusterFailure,
  type MemberInitialisation,
  type MembersValidation,
  type StepResult,
} from '@amko-fed/domain';
import { isValidClusterName, type Member } from '@amko-fed/queue';

export const MembersStage = {
  /** Initialisation failed or left no member client: nothing validated. */
  Initialisation: 'initialisation',
  /** Validation stopped everything (another leader) or left no valid follower. */
  Validation: 'validation',
  /** At least one valid follower: federation runs. */
  Federation: 'federation',
} as const;
export type MembersStage = (typeof MembersStage)[keyof typeof MembersStage];

export interface MembersOutcomeReport {
  readonly stage: MembersStage;
  readonly memberInit: StepResult;
  /** Present when validation ran. */
  readonly memberValidation: StepResult | undefined;
  /** Every member of the federation set (spec.clusters minus this cluster), in order. */
  readonly members: readonly string[];
  readonly valid: readonly string[];
  /** Members that are not valid, with why (AMKO's wording). */
  readonly invalid: readonly ClusterFailure[];
  /** Why nothing is federated, when `stage` is not Federation (for logs and health). */
  readonly stopReason: string | undefined;
}

/**
 * Combines the results of `initMembers`, the client builder and `validateMembers`.
 * @param validation undefined when validation did not run (initialisation failed / no client).
 */
export function summariseMembers(
  memberNames: readonly string[],
  init: MemberInitialisation,
  clientFailures: readonly ClusterFailure[],
  validation: MembersValidation | undefined,
): MembersOutcomeReport {
  const memberInit = toMemberInitStep(init, clientFailures);
  const everyone = (reason: string): ClusterFailure[] => memberNames.map((cluster) => ({ cluster, message: reason }));
  if (init.outcome === MemberInitOutcome.Failed) {
    return { stage: MembersStage.Initialisation, memberInit, memberValidation: undefined, members: memberNames, valid: [], invalid: everyone(init.reason), stopReason: init.reason };
  }
  if (validation === undefined) {
    const failed = new Map(clientFailures.map((f) => [f.cluster, f.message]));
    const invalid = memberNames.map((cluster) => ({ cluster, message: failed.get(cluster) ?? NO_VALID_CLUSTER_CONTEXTS_MESSAGE }));
    return { stage: MembersStage.Initialisation, memberInit, memberValidation: undefined, members: memberNames, valid: [], invalid, stopReason: NO_VALID_CLUSTER_CONTEXTS_MESSAGE };
  }
  const memberValidation = toMemberValidationStep(validation);
  if (validation.outcome === MembersOutcome.StopAll) {
    return { stage: MembersStage.Validation, memberInit, memberValidation, members: memberNames, valid: [], invalid: everyone(validation.reason), stopReason: validation.reason };
  }
  const failedClients = clientFailures.filter((f) => !validation.skipped.some((s) => s.cluster === f.cluster));
  const invalid = [...failedClients, ...validation.skipped.map((s) => ({ cluster: s.cluster, message: s.reason }))];
  if (validation.valid.length === 0) {
    return { stage: MembersStage.Validation, memberInit, memberValidation, members: memberNames, valid: [], invalid, stopReason: NO_VALID_CLUSTERS_MESSAGE };
  }
  return { stage: MembersStage.Federation, memberInit, memberValidation, members: memberNames, valid: validation.valid, invalid, stopReason: undefined };
}

const MAX_REASON = 1024;
const cap = (reason: string): string => (reason.length <= MAX_REASON ? reason : `${reason.slice(0, MAX_REASON - 1)}…`);
export const REMOVED_MEMBER_REASON = 'no longer a member of the federation';

/**
 * The registry entries for a leader: valid / invalid (with reason) per member, and `stop` for
 * clusters listed before that are no longer members. Names that cannot be queue names are left out.
 */
export function leaderRegistryMembers(report: MembersOutcomeReport, previous: readonly Member[]): Member[] {
  const reasons = new Map(report.invalid.map((f) => [f.cluster, f.message]));
  const entries: Member[] = [];
  for (const cluster of report.members) {
    if (!isValidClusterName(cluster)) continue;
    if (report.valid.includes(cluster)) entries.push({ cluster, state: 'valid' });
    else entries.push({ cluster, state: 'invalid', reason: cap(reasons.get(cluster) ?? report.stopReason ?? 'not validated') });
  }
  for (const old of previous) {
    if (!report.members.includes(old.cluster)) entries.push({ cluster: old.cluster, state: 'stop', reason: REMOVED_MEMBER_REASON });
  }
  return entries;
}

/** The registry entries when this cluster does not federate: every known member stops. */
export function stoppedRegistryMembers(memberNames: readonly string[], previous: readonly Member[], reason: string = NOT_A_LEADER_REASON): Member[] {
  const names = [...new Set([...memberNames, ...previous.map((m) => m.cluster)])].filter(isValidClusterName);
  return names.map((cluster) => ({ cluster, state: 'stop', reason: cap(reason) }));
}

/** Whether two registry member lists say the same thing (order-insensitive). */
export function sameMembers(a: readonly Member[], b: readonly Member[]): boolean {
  const key = (list: readonly Member[]) => JSON.stringify([...list].map((m) => [m.cluster, m.state, m.reason ?? '']).sort());
  return key(a) === key(b);
}

export interface ValidityChanges {
  readonly becameValid: readonly string[];
  readonly becameInvalid: readonly string[];
}

/**
 * Followers whose validity changed. `previous` undefined means "unknown" (first pass after start):
 * then every valid follower counts as became-valid and every other known cluster as became-invalid,
 * so queues are put in the right state whatever they were left in.
 */
export function validityChanges(previous: ReadonlySet<string> | undefined, next: ReadonlySet<string>, known: readonly string[]): ValidityChanges {
  if (previous === undefined) {
    return { becameValid: [...next], becameInvalid: known.filter((c) => !next.has(c)) };
  }
  return {
    becameValid: [...next].filter((c) => !previous.has(c)),
    becameInvalid: [...previous].filter((c) => !next.has(c)),
  };
}
