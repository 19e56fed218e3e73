/**
 * buildStatus: the AMKOCluster `status.conditions` for the last pass, AMKO-style (reference §1).
 *
 * Only the steps reached have conditions (AMKO starts every pass from an empty list). Each step is
 * success / partial failure (`someFailed`, reasons joined with "," and no space) / hard failure
 * (`allFailed` + reason).
 *
 * Differences, all deliberate:
 * - Dual leader: the status stays AMKO's `member cluster clients invalid` for compatibility; the
 *   reason is `AMKO in cluster <c> is also a leader, conflicting state`, naming the other leader
 *   (`toMemberValidationStep` of a stop-all gives exactly that).
 * - Federation failures are rendered `<cluster>: <message>` (results name objects, not clusters),
 *   de-duplicated and sorted, so an unchanged situation gives an identical status (no patch).
 *   Member-step messages already name their cluster and keep member order, as in AMKO.
 * - Reasons are capped at MAX_REASON_LENGTH characters (`,... and N more`): with many objects
 *   and followers the raw list could outgrow what an object may hold.
 * - A `GSLBHostRule Federation` condition follows GDP's when that kind is federated.
 */
import type { FederatedKind } from './kinds.ts';
import { ConditionStatus, ConditionType, NOT_A_LEADER_REASON, type StatusCondition } from './status-conditions.ts';
import { StatusStage, StepOutcome, type ClusterFailure, type StatusReport, type StepResult } from './status-report.ts';

export const MAX_REASON_LENGTH = 8192;

interface StepStrings {
  readonly type: string;
  readonly succeeded: string;
  readonly partlyFailed: string;
  readonly failed: string;
  readonly render: (failures: readonly ClusterFailure[]) => string[];
}

const verbatim = (failures: readonly ClusterFailure[]): string[] => failures.map((f) => f.message);
const byCluster = (failures: readonly ClusterFailure[]): string[] =>
  [...new Set(failures.map((f) => `${f.cluster}: ${f.message}`))].sort();

const MEMBER_INIT: StepStrings = {
  type: ConditionType.MemberInitialisation,
  succeeded: ConditionStatus.AllClientsFetched,
  partlyFailed: ConditionStatus.SomeClientsNotFetched,
  failed: ConditionStatus.MemberClientsInvalid,
  render: verbatim,
};
const MEMBER_VALIDATION: StepStrings = {
  type: ConditionType.MemberValidation,
  succeeded: ConditionStatus.ValidatedAllMembers,
  partlyFailed: ConditionStatus.SomeMembersInvalid,
  failed: ConditionStatus.MemberClientsInvalid,
  render: verbatim,
};
const federationStrings = (type: string): StepStrings => ({
  type,
  succeeded: ConditionStatus.FederatedToAll,
  partlyFailed: ConditionStatus.FederationPartlyFailed,
  failed: ConditionStatus.FederationFailed,
  render: byCluster,
});
const FEDERATION_ORDER: readonly (readonly [FederatedKind, StepStrings])[] = [
  ['GSLBConfig', federationStrings(ConditionType.GSLBConfigFederation)],
  ['GlobalDeploymentPolicy', federationStrings(ConditionType.GDPFederation)],
  ['GSLBHostRule', federationStrings(ConditionType.GSLBHostRuleFederation)],
];

/** Joins with "," (AMKO), stopping before MAX_REASON_LENGTH with `,... and N more`. */
export function joinReasons(parts: readonly string[]): string {
  let out = '';
  for (let i = 0; i < parts.length; i += 1) {
    const next = out === '' ? (parts[i] ?? '') : `${out},${parts[i] ?? ''}`;
    if (next.length > MAX_REASON_LENGTH && i > 0) return `${out},... and ${parts.length - i} more`;
    out = next;
  }
  return out.length > MAX_REASON_LENGTH ? `${out.slice(0, MAX_REASON_LENGTH)}...` : out;
}

function stepCondition(strings: StepStrings, step: StepResult): StatusCondition {
  switch (step.outcome) {
    case StepOutcome.Succeeded:
      return { type: strings.type, status: strings.succeeded };
    case StepOutcome.PartlyFailed:
      return step.failures.length === 0
        ? { type: strings.type, status: strings.succeeded }
        : { type: strings.type, status: strings.partlyFailed, reason: joinReasons(strings.render(step.failures)) };
    case StepOutcome.Failed:
      return { type: strings.type, status: strings.failed, reason: joinReasons([step.reason]) };
    default: {
      const _exhaustive: never = step;
      return { type: strings.type, status: strings.failed };
    }
  }
}

const VALID: StatusCondition = { type: ConditionType.AMKOClusterValidation, status: ConditionStatus.ValidAMKOCluster };

/** The conditions to write for `report`, in AMKO's order. */
export function buildStatus(report: StatusReport): StatusCondition[] {
  switch (report.stage) {
    case StatusStage.NotLeader:
      return [{ type: ConditionType.AMKOClusterValidation, status: ConditionStatus.WontFederate, reason: NOT_A_LEADER_REASON }];
    case StatusStage.InvalidAMKOCluster:
      return [{ type: ConditionType.AMKOClusterValidation, status: ConditionStatus.InvalidAMKOCluster, reason: joinReasons([report.reason]) }];
    case StatusStage.MemberInitialisation:
      return [VALID, stepCondition(MEMBER_INIT, report.memberInit)];
    case StatusStage.MemberValidation:
      return [VALID, stepCondition(MEMBER_INIT, report.memberInit), stepCondition(MEMBER_VALIDATION, report.memberValidation)];
    case StatusStage.Federation: {
      const conditions = [VALID, stepCondition(MEMBER_INIT, report.memberInit), stepCondition(MEMBER_VALIDATION, report.memberValidation)];
      for (const [kind, strings] of FEDERATION_ORDER) {
        const step = report.federation[kind];
        if (step !== undefined) conditions.push(stepCondition(strings, step));
      }
      return conditions;
    }
    default: {
      const _exhaustive: never = report;
      return [];
    }
  }
}
