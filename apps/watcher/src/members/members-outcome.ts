/**
 * The functional core of member handling: how far member initialisation and validation got, which
 * followers are valid, what the member registry should say, and which followers changed state.
 */
import {
  isValidClusterName,
  MemberInitOutcome,
  MembersOutcome,
  MemberState,
  NO_VALID_CLUSTER_CONTEXTS_MESSAGE,
  NO_VALID_CLUSTERS_MESSAGE,
  NOT_A_LEADER_REASON,
  StepOutcome,
  toMemberInitStep,
  toMemberValidationStep,
  toStepResult,
  type ClusterFailure,
  type Member,
  type MemberInitialisation,
  type MembersValidation,
  type StepResult,
} from '@amko-fed/domain';

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

/**
 * A leader that found a later leadership on a member (leadership epochs): like a dual leader, it
 * federates to nobody, and every member is reported with the reason (which names both epochs).
 */
export function staleLeaderReport(report: MembersOutcomeReport, reason: string): MembersOutcomeReport {
  return {
    ...report,
    stage: MembersStage.Validation,
    memberValidation: toStepResult([], reason),
    valid: [],
    invalid: report.members.map((cluster) => ({ cluster, message: reason })),
    stopReason: reason,
  };
}

/** Valid followers whose fencing token could not be stamped are not federated to (soft, like AMKO's skipped members). */
export function withUnstamped(report: MembersOutcomeReport, unstamped: ReadonlyMap<string, string>): MembersOutcomeReport {
  if (unstamped.size === 0) return report;
  const valid = report.valid.filter((cluster) => !unstamped.has(cluster));
  const failures = [...unstamped].map(([cluster, message]) => ({ cluster, message }));
  const invalid = [...report.invalid, ...failures];
  const earlier = report.memberValidation?.outcome === StepOutcome.PartlyFailed ? report.memberValidation.failures : [];
  const skipped = [...earlier, ...failures];
  if (valid.length > 0) return { ...report, valid, invalid, memberValidation: toStepResult(skipped) };
  return { ...report, stage: MembersStage.Validation, valid, invalid, memberValidation: toStepResult(skipped), stopReason: NO_VALID_CLUSTERS_MESSAGE };
}

const MAX_REASON = 1024;
const cap = (reason: string): string => (reason.length <= MAX_REASON ? reason : `${reason.slice(0, MAX_REASON - 1)}…`);
export const REMOVED_MEMBER_REASON = 'no longer a member of the federation';

/**
 * Clusters of the previous document that are not in `current`, published as `stop` ONCE so that
 * replicators following the registry see them go; a cluster the previous document already stopped
 * is forgotten (dropped), so the registry never keeps clusters that left the federation.
 */
function leaving(previous: readonly Member[], current: ReadonlySet<string>, reason: string): Member[] {
  return previous
    .filter((m) => !current.has(m.cluster) && m.state !== MemberState.stop)
    .map((m) => ({ cluster: m.cluster, state: MemberState.stop, reason: cap(reason) }));
}

/**
 * The registry entries for a leader: valid / invalid (with reason) per member, and `stop` for
 * clusters that the previous document listed as valid/invalid and that are no longer members (the
 * next document drops them). Names that cannot be queue names are left out.
 */
export function leaderRegistryMembers(report: MembersOutcomeReport, previous: readonly Member[]): Member[] {
  const reasons = new Map(report.invalid.map((f) => [f.cluster, f.message]));
  const valid = new Set(report.valid);
  const entries: Member[] = [];
  for (const cluster of report.members) {
    if (!isValidClusterName(cluster)) continue;
    if (valid.has(cluster)) entries.push({ cluster, state: MemberState.valid });
    else entries.push({ cluster, state: MemberState.invalid, reason: cap(reasons.get(cluster) ?? report.stopReason ?? 'not validated') });
  }
  return [...entries, ...leaving(previous, new Set(report.members), REMOVED_MEMBER_REASON)];
}

/**
 * The registry entries when this cluster does not federate: every member of its spec stops, and so
 * do clusters the previous document listed as valid/invalid (once: the next document drops them).
 */
export function stoppedRegistryMembers(memberNames: readonly string[], previous: readonly Member[], reason: string = NOT_A_LEADER_REASON): Member[] {
  const names = [...new Set(memberNames)].filter(isValidClusterName);
  const stopped = names.map((cluster): Member => ({ cluster, state: MemberState.stop, reason: cap(reason) }));
  return [...stopped, ...leaving(previous, new Set(names), reason)];
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
