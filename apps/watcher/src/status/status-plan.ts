/**
 * The AMKOCluster status to show, from the role decision, the last member check and the
 * federation results: the report `buildStatus` renders with AMKO's condition types and strings.
 */
import { buildStatus, StatusStage, StepOutcome, type FederationResults, type StatusCondition, type StatusReport } from '@amko-fed/domain';
import { MembersStage, type MembersOutcomeReport } from '../members/members-outcome.ts';
import { Role, type RoleDecision, type StatusTarget } from '../role/decide-role.ts';

/** What the status writer writes: the conditions, and which AMKOCluster(s) get them. */
export interface StatusPlan {
  readonly targets: readonly StatusTarget[];
  readonly conditions: readonly StatusCondition[];
}

/** What the status needs of a running federation: its conditions' steps. */
export interface FederationView {
  steps(): FederationResults;
}

/** The report for a leader, by how far its member check got. */
export function leaderReport(report: MembersOutcomeReport, federation: FederationView | undefined): StatusReport {
  switch (report.stage) {
    case MembersStage.Initialisation:
      return { stage: StatusStage.MemberInitialisation, memberInit: report.memberInit };
    case MembersStage.Validation:
      return {
        stage: StatusStage.MemberValidation,
        memberInit: report.memberInit,
        memberValidation: report.memberValidation ?? { outcome: StepOutcome.Succeeded },
      };
    case MembersStage.Federation:
      return {
        stage: StatusStage.Federation,
        memberInit: report.memberInit,
        memberValidation: report.memberValidation ?? { outcome: StepOutcome.Succeeded },
        federation: federation?.steps() ?? {},
      };
    default: {
      const _exhaustive: never = report.stage;
      return { stage: StatusStage.MemberInitialisation, memberInit: report.memberInit };
    }
  }
}

export function statusPlan(
  decision: RoleDecision | undefined,
  report: MembersOutcomeReport | undefined,
  federation: FederationView | undefined,
): StatusPlan | undefined {
  if (decision === undefined) return undefined;
  const plan = (targets: readonly (StatusTarget | undefined)[], statusReport: StatusReport): StatusPlan => ({
    targets: targets.filter((t): t is StatusTarget => t !== undefined && t.name !== ''),
    conditions: buildStatus(statusReport),
  });
  switch (decision.role) {
    case Role.None:
      return undefined;
    case Role.TooMany:
      return plan(decision.targets, { stage: StatusStage.InvalidAMKOCluster, reason: decision.reason });
    case Role.Follower:
      return plan([decision.target], { stage: StatusStage.NotLeader });
    case Role.Invalid:
      return plan([decision.target], { stage: StatusStage.InvalidAMKOCluster, reason: decision.reason });
    case Role.Leader:
      return report === undefined ? undefined : plan([decision.target], leaderReport(report, federation));
    default: {
      const _exhaustive: never = decision;
      return undefined;
    }
  }
}
