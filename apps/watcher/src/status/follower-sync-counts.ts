/**
 * Per valid follower, how many of the leader's objects are in sync, pending or failed: the same
 * rules as the status conditions (federation-steps.ts) and `amko-fed status`, as numbers for the
 * `amko_fed_watcher_follower_objects` gauge. A tombstone the follower never heard of counts for
 * nothing (there is nothing to delete there); a difference a resync found counts as pending until
 * its reconcile's result arrives. Pure.
 */
import { SyncState, syncStateOf, type ObjectKey } from '@amko-fed/domain';
import type { FederationStepsInput } from './federation-steps.ts';

export type SyncCounts = Record<SyncState, number>;

export interface FollowerSyncCountsInput extends Pick<FederationStepsInput, 'validFollowers' | 'result' | 'pending'> {
  readonly projection: Iterable<[ObjectKey, { readonly seq: number; readonly state?: 'present' | 'absent' }]>;
}

export function followerSyncCounts(input: FollowerSyncCountsInput): Map<string, SyncCounts> {
  const counts = new Map<string, SyncCounts>(input.validFollowers.map((c) => [c, { [SyncState.inSync]: 0, [SyncState.pending]: 0, [SyncState.failed]: 0 }]));
  for (const [key, entry] of input.projection) {
    for (const [cluster, count] of counts) {
      const result = input.result(cluster, key);
      if (entry.state === 'absent' && result === undefined) continue;
      let state = syncStateOf(entry, result);
      const drift = input.pending?.(cluster, key);
      if (state === SyncState.inSync && drift !== undefined && result !== undefined && (result.seq < drift.seq || result.seenMs < drift.sinceMs)) state = SyncState.pending;
      count[state] += 1;
    }
  }
  return counts;
}
