/**
 * The AMKOCluster status as one module: it owns its inputs — the role decision, the last member
 * check and the running federation (whose steps come from the replication results) — and turns
 * them into AMKO's conditions (`statusPlan`, pure) that the single writer patches, debounced.
 * Every input change schedules a write; the writer computes the plan at write time.
 */
import type { ClusterClient } from '@amko-fed/kube';
import type { Logger } from 'pino';
import type { MembersOutcomeReport } from '../members/members-outcome.ts';
import type { RoleDecision } from '../role/decide-role.ts';
import { statusPlan, type FederationView } from './status-plan.ts';
import { createStatusWriter, type StatusWriter } from './status-writer.ts';

export interface Status extends Pick<StatusWriter, 'observe' | 'schedule' | 'flush' | 'stop'> {
  /** This cluster's role, from its AMKOCluster (undefined until the first decision). */
  setRole(decision: RoleDecision | undefined): void;
  /** The leader's last member check (undefined when not leading). */
  setMembers(report: MembersOutcomeReport | undefined): void;
  /** The running federation (undefined when none runs). */
  setFederation(federation: FederationView | undefined): void;
}

export function createStatus(options: { readonly client: ClusterClient; readonly debounceMs: number; readonly logger: Logger }): Status {
  let decision: RoleDecision | undefined;
  let report: MembersOutcomeReport | undefined;
  let federation: FederationView | undefined;
  const writer = createStatusWriter({ ...options, plan: () => statusPlan(decision, report, federation) });
  return {
    setRole(next) {
      decision = next;
      writer.schedule();
    },
    setMembers(next) {
      report = next;
      writer.schedule();
    },
    setFederation(next) {
      federation = next;
      writer.schedule();
    },
    observe: (target, conditions) => writer.observe(target, conditions),
    schedule: () => writer.schedule(),
    flush: () => writer.flush(),
    stop: () => writer.stop(),
  };
}
