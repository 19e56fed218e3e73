/**
 * The verdict of `amko-fed status`, for scripts and `--wait`: in sync only when every valid
 * follower holds the leader's latest state of every object and every AMKOCluster condition of
 * --context is AMKO's success string. Pure: the view and the conditions come in, a verdict goes out.
 */
import { ConditionStatus } from '@amko-fed/domain';
import { EXIT_FAILED_STATE, EXIT_PENDING } from './cli-error.ts';
import { ObjectSyncState, type StatusView } from './status-view.ts';

export const Verdict = { inSync: 'in sync', pending: 'pending', failed: 'failed' } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export interface StatusVerdict {
  readonly verdict: Verdict;
  readonly exitCode: number;
  /** Why it is not in sync, one line each (empty when in sync). */
  readonly problems: readonly string[];
}

/** AMKO's success string of each condition type (reference §1). */
const SUCCESS: ReadonlySet<string> = new Set([
  ConditionStatus.ValidAMKOCluster,
  ConditionStatus.AllClientsFetched,
  ConditionStatus.ValidatedAllMembers,
  ConditionStatus.FederatedToAll,
]);

export interface ConditionLike {
  readonly type?: string | undefined;
  readonly status?: string | undefined;
  readonly reason?: string | undefined;
}

export function judgeStatus(view: StatusView, conditions: readonly ConditionLike[] | undefined, conditionsError: string | undefined): StatusVerdict {
  const failed: string[] = [];
  const pending: string[] = [];
  if (view.leader === undefined) pending.push('no watcher has published the federation members yet');
  for (const follower of view.followers) {
    if (follower.membership !== 'valid') continue; // counted by the member conditions below
    for (const row of follower.objects) {
      if (row.state === ObjectSyncState.Failed) failed.push(`${follower.cluster} ${row.objectKey}: failed: ${row.reason ?? ''}`);
      else if (row.state === ObjectSyncState.Pending) pending.push(`${follower.cluster} ${row.objectKey}: pending: ${row.reason ?? ''}`);
    }
  }
  if (conditionsError !== undefined) failed.push(`AMKOCluster status unavailable: ${conditionsError}`);
  else if (conditions !== undefined && conditions.length === 0) pending.push('the AMKOCluster has no status conditions yet');
  for (const c of conditions ?? []) {
    if (!SUCCESS.has(c.status ?? '')) failed.push(`${c.type ?? '?'}: ${c.status ?? ''}${c.reason ? ` (${c.reason})` : ''}`);
  }
  if (failed.length > 0) return { verdict: Verdict.failed, exitCode: EXIT_FAILED_STATE, problems: [...failed, ...pending] };
  if (pending.length > 0) return { verdict: Verdict.pending, exitCode: EXIT_PENDING, problems: pending };
  return { verdict: Verdict.inSync, exitCode: 0, problems: [] };
}
