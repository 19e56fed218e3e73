/**
 * When a tombstone may go: once every follower has applied the deletion, i.e. holds a result for
 * the object at the tombstone's seq or later whose outcome is not a failure. Until then the
 * tombstone is what tells a lagging follower's worker to delete its copy.
 */
import { isFailedOutcome, type ResultRecord } from '../records/result-records.ts';

export function isTombstoneApplied(
  tombstoneSeq: number,
  followers: readonly string[],
  resultOf: (cluster: string) => Pick<ResultRecord, 'seq' | 'outcome'> | undefined,
): boolean {
  if (followers.length === 0) return false;
  return followers.every((cluster) => {
    const result = resultOf(cluster);
    return result !== undefined && result.seq >= tombstoneSeq && !isFailedOutcome(result.outcome);
  });
}
