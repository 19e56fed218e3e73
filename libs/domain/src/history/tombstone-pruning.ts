/**
 * When a tombstone may go: once every follower has applied the deletion, i.e. holds a result for
 * the object at the tombstone's seq or later that is not a failure. Until then the tombstone is
 * what tells a lagging follower's worker to delete its copy. (A member that is not a valid
 * follower right now is covered by the resync when it comes back: an object present only on a
 * follower gets a new tombstone.)
 */
export interface AppliedResult {
  readonly seq: number;
  /** The outcome was failed or fenced (`isFailedOutcome`). */
  readonly failed: boolean;
}

export function isTombstoneApplied(
  tombstoneSeq: number,
  followers: readonly string[],
  resultOf: (cluster: string) => AppliedResult | undefined,
): boolean {
  if (followers.length === 0) return false;
  return followers.every((cluster) => {
    const result = resultOf(cluster);
    return result !== undefined && result.seq >= tombstoneSeq && !result.failed;
  });
}
