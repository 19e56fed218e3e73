/**
 * The report `buildStatus` turns into conditions: how far the last pass got and how each step
 * went. A discriminated union by stage, so a report cannot carry results of steps that were not
 * reached (AMKO writes only the conditions of the steps reached).
 */
import type { MemberInitialisation } from './member-init.ts';
import { MembersOutcome, type MembersValidation } from './member-validation.ts';
import { MemberInitOutcome } from './member-init.ts';

/** One cluster's failure in a step; `message` must hold no secret. */
export interface ClusterFailure {
  readonly cluster: string;
  readonly message: string;
}

export const StepOutcome = { Succeeded: 'succeeded', PartlyFailed: 'partly-failed', Failed: 'failed' } as const;
export type StepOutcome = (typeof StepOutcome)[keyof typeof StepOutcome];

export type StepResult =
  | { readonly outcome: typeof StepOutcome.Succeeded }
  | { readonly outcome: typeof StepOutcome.PartlyFailed; readonly failures: readonly ClusterFailure[] }
  | { readonly outcome: typeof StepOutcome.Failed; readonly reason: string };

export const StatusStage = {
  NotLeader: 'not-leader',
  InvalidAMKOCluster: 'invalid-amkocluster',
  MemberInitialisation: 'member-initialisation',
  MemberValidation: 'member-validation',
  Federation: 'federation',
} as const;
export type StatusStage = (typeof StatusStage)[keyof typeof StatusStage];

/** Per federated kind; a kind that is not federated (or not reached) is left out. */
export interface FederationResults {
  readonly GSLBConfig?: StepResult;
  readonly GlobalDeploymentPolicy?: StepResult;
  readonly GSLBHostRule?: StepResult;
}

export type StatusReport =
  /** This cluster is not the leader. */
  | { readonly stage: typeof StatusStage.NotLeader }
  /** The local AMKOCluster failed its sanity checks. */
  | { readonly stage: typeof StatusStage.InvalidAMKOCluster; readonly reason: string }
  /** Stopped after member initialisation (hard failure, or no member clients). */
  | { readonly stage: typeof StatusStage.MemberInitialisation; readonly memberInit: StepResult }
  /** Stopped after member validation (another leader, or no valid member left). */
  | { readonly stage: typeof StatusStage.MemberValidation; readonly memberInit: StepResult; readonly memberValidation: StepResult }
  /** Reached federation. */
  | {
      readonly stage: typeof StatusStage.Federation;
      readonly memberInit: StepResult;
      readonly memberValidation: StepResult;
      readonly federation: FederationResults;
    };

/**
 * AMKO's `getStatusCondition` rule as a step result: per-cluster failures → partly failed;
 * otherwise a non-empty reason → failed; otherwise succeeded.
 */
export function toStepResult(failures: readonly ClusterFailure[], reason?: string): StepResult {
  if (failures.length > 0) return { outcome: StepOutcome.PartlyFailed, failures };
  if (reason !== undefined && reason !== '') return { outcome: StepOutcome.Failed, reason };
  return { outcome: StepOutcome.Succeeded };
}

/**
 * The member-initialisation step from `initMembers` plus the members whose client could not be
 * built by the kube adapter (use `memberClientInitFailedMessage` for their messages).
 */
export function toMemberInitStep(init: MemberInitialisation, clientFailures: readonly ClusterFailure[] = []): StepResult {
  switch (init.outcome) {
    case MemberInitOutcome.Failed:
      return toStepResult([], init.reason);
    case MemberInitOutcome.Initialised:
      return toStepResult(clientFailures);
    default: {
      const _exhaustive: never = init;
      return toStepResult([]);
    }
  }
}

/** The member-validation step from `validateMembers` (stop-all drops the skips, as AMKO does). */
export function toMemberValidationStep(validation: MembersValidation): StepResult {
  switch (validation.outcome) {
    case MembersOutcome.StopAll:
      return toStepResult([], validation.reason);
    case MembersOutcome.Validated:
      return toStepResult(validation.skipped.map((s) => ({ cluster: s.cluster, message: s.reason })));
    default: {
      const _exhaustive: never = validation;
      return toStepResult([]);
    }
  }
}
