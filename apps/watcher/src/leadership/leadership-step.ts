/**
 * The leadership step of a leader's member check (ARCHITECTURE §2.2, ADR 0017): when members are
 * valid, the epoch is taken (and persisted) if this leadership has none, valid followers are
 * stamped, and a member following a later leadership stops everything. Its outcome replaces the
 * member check's report.
 */
import type { ClusterClient } from '@amko-fed/kube';
import type { FederatedKind } from '@amko-fed/domain';
import type { Logger } from 'pino';
import type { WatcherMetrics } from '../http/metrics.ts';
import type { MembersCheck } from '../members/check-members.ts';
import type { MemberClients } from '../members/member-clients.ts';
import { MembersStage, staleLeaderReport, withUnstamped, type MembersOutcomeReport } from '../members/members-outcome.ts';
import type { Role, RoleDecision } from '../role/decide-role.ts';
import { fenceFollowers } from './fence-followers.ts';
import { ensureLeaderEpoch } from './leader-epoch.ts';

export interface LeadershipStepDeps {
  readonly local: ClusterClient;
  readonly kinds: readonly FederatedKind[];
  readonly memberClients: Pick<MemberClients, 'get'>;
  readonly metrics: Pick<WatcherMetrics, 'staleLeader'>;
  readonly logger: Logger;
}

export interface LeadershipOutcome {
  readonly report: MembersOutcomeReport;
  /** The epoch this leadership federates at (the previous one when none could be taken). */
  readonly epoch: number | undefined;
  /** The epoch could not be persisted: check again soon. */
  readonly retrySoon: boolean;
}

type LeaderDecision = Extract<RoleDecision, { role: typeof Role.Leader }>;

export async function applyLeadership(
  deps: LeadershipStepDeps,
  next: LeaderDecision,
  checked: MembersCheck,
  previous: { readonly epoch: number | undefined; readonly stopReason: string | undefined },
): Promise<LeadershipOutcome> {
  const { logger } = deps;
  if (checked.stage !== MembersStage.Federation) return { report: checked, epoch: previous.epoch, retrySoon: false };
  const clients = (names: Iterable<string>) =>
    new Map(
      [...names].flatMap((cluster): [string, ClusterClient][] => {
        const client = deps.memberClients.get(cluster);
        return client === undefined ? [] : [[cluster, client]];
      }),
    );
  const validClients = clients(checked.valid);
  const down = new Set(checked.unreachable);
  const otherClients = clients(checked.members.filter((c) => !validClients.has(c) && !down.has(c)));
  let epoch: number;
  try {
    epoch = (await ensureLeaderEpoch({ local: deps.local, kinds: deps.kinds, logger }, next.target, next.epoch, [...validClients.values(), ...otherClients.values()])).epoch;
  } catch (err) {
    logger.warn({ err }, 'Could not take a leadership epoch; federating nothing until it is persisted');
    const reason = `could not persist this leader's epoch on its AMKOCluster: ${err instanceof Error ? err.message : String(err)}`;
    return { report: staleLeaderReport(checked, reason), epoch: previous.epoch, retrySoon: true };
  }
  const fencing = await fenceFollowers({ leader: next.spec.clusterContext, epoch }, validClients, otherClients, logger);
  deps.metrics.staleLeader.set(fencing.stale === undefined ? 0 : 1);
  if (fencing.stale !== undefined) {
    if (previous.stopReason !== fencing.stale.reason) logger.warn({ epoch, newer: fencing.stale.by, seenOn: fencing.stale.on }, 'This leader is stale: federating nothing');
    return { report: staleLeaderReport(checked, fencing.stale.reason), epoch, retrySoon: false };
  }
  return { report: withUnstamped(checked, fencing.unstamped), epoch, retrySoon: false };
}
