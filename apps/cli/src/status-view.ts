/**
 * What `amko-fed status` shows, computed from the records in Redis: per follower, its validity,
 * and per object whether the follower is in sync with the leader's latest state, still pending,
 * or failed (with the reason). Pure: the records come in, rows go out.
 */
import { isFailedOutcome, SyncState, syncStateOf, type MembersDocument, type ResultRecord } from '@amko-fed/domain';
import type { ProjectionListing } from '@amko-fed/queue';
import { renderTable } from './text-table.ts';

/** The sync states of libs/domain (`syncStateOf`), under the names this view has always used. */
export const ObjectSyncState = { InSync: SyncState.inSync, Pending: SyncState.pending, Failed: SyncState.failed } as const;
export type ObjectSyncState = SyncState;

/** A follower that is not a valid member: what it holds is not known (its results are old). */
export const UNKNOWN_STATE = 'unknown' as const;

export interface ObjectRow {
  readonly objectKey: string;
  readonly state: ObjectSyncState | typeof UNKNOWN_STATE;
  /** The last successful apply (or no-op check) time. */
  readonly lastApplied: string | undefined;
  readonly reason: string | undefined;
}

export interface FollowerView {
  readonly cluster: string;
  readonly membership: 'valid' | 'invalid' | 'stop';
  readonly membershipReason: string | undefined;
  readonly objects: readonly ObjectRow[];
}

export interface StatusView {
  readonly leader: string | undefined;
  readonly publishedAt: string | undefined;
  readonly followers: readonly FollowerView[];
  readonly inSync: boolean;
}

function rowFor(listing: ProjectionListing, result: ResultRecord | undefined): ObjectRow | undefined {
  const { objectKey, entry } = listing;
  // a tombstone the follower has never heard of needs no row: nothing to delete there
  if (entry.state === 'absent' && result === undefined) return undefined;
  if (result === undefined) return { objectKey, state: SyncState.pending, lastApplied: undefined, reason: 'not applied yet' };
  const failed = isFailedOutcome(result.outcome);
  const lastApplied = failed ? undefined : result.at;
  const state = syncStateOf(entry, { seq: result.seq, failed });
  switch (state) {
    case SyncState.pending:
      return { objectKey, state, lastApplied, reason: `leader change #${entry.seq} not applied yet (last: #${result.seq}${failed ? `, failed: ${result.errorMessage ?? result.outcome}` : ''})` };
    case SyncState.failed:
      return { objectKey, state, lastApplied: undefined, reason: result.errorMessage ?? result.outcome };
    case SyncState.inSync:
      return { objectKey, state, lastApplied, reason: undefined };
    default: {
      const _exhaustive: never = state;
      return undefined;
    }
  }
}

export function buildStatusView(
  members: MembersDocument | undefined,
  projection: readonly ProjectionListing[],
  resultsByCluster: ReadonlyMap<string, ReadonlyMap<string, ResultRecord>>,
): StatusView {
  const sorted = [...projection].sort((a, b) => a.objectKey.localeCompare(b.objectKey));
  const followers: FollowerView[] = (members?.members ?? []).map((member) => {
    const results = resultsByCluster.get(member.cluster) ?? new Map<string, ResultRecord>();
    const rows = sorted.flatMap((listing) => rowFor(listing, results.get(listing.objectKey)) ?? []);
    const objects = member.state === 'valid'
      ? rows
      : rows.map((row): ObjectRow => ({ ...row, state: UNKNOWN_STATE, reason: `member ${member.state}: ${member.reason ?? 'no reason given'}` }));
    return { cluster: member.cluster, membership: member.state, membershipReason: member.reason, objects };
  });
  const inSync = members !== undefined && followers.every((f) => f.membership === 'valid' && f.objects.every((o) => o.state === ObjectSyncState.InSync));
  return { leader: members?.leader, publishedAt: members?.at, followers, inSync };
}

/** A plain-text table, one line per (follower, object); the verdict lines follow it (status-verdict.ts). */
export function renderStatusView(view: StatusView, conditions: readonly { type?: string; status?: string; reason?: string }[] | undefined): string {
  const lines: string[] = [];
  lines.push(`Leader: ${view.leader ?? 'unknown (no watcher has published members yet)'}${view.publishedAt ? `   (members checked ${view.publishedAt})` : ''}`);
  if (conditions) {
    lines.push('AMKOCluster status:');
    for (const c of conditions) lines.push(`  ${c.type ?? ''}: ${c.status ?? ''}${c.reason ? ` (${c.reason})` : ''}`);
  }
  const rows: string[][] = [['FOLLOWER', 'MEMBER', 'OBJECT', 'STATE', 'LAST APPLIED', 'REASON']];
  for (const f of view.followers) {
    if (f.objects.length === 0) rows.push([f.cluster, f.membership, '-', f.membership === 'valid' ? 'in sync' : UNKNOWN_STATE, '-', f.membershipReason ?? '']);
    for (const o of f.objects) {
      rows.push([f.cluster, f.membership, o.objectKey, o.state, o.lastApplied ?? '-', o.reason ?? '']);
    }
  }
  lines.push(...renderTable(rows));
  return lines.join('\n');
}
