/**
 * The one rule for "is this follower in sync with the leader for this object?", shared by the
 * watcher's status, `amko-fed status` and the resync: a follower's latest result counts once its
 * seq has reached the projection's seq for the object. An older result describes a state that is no
 * longer wanted (the newer one is pending); a counted failed result means the follower does not
 * hold the leader's current state.
 */

export const SyncState = { inSync: 'in sync', pending: 'pending', failed: 'failed' } as const;
export type SyncState = (typeof SyncState)[keyof typeof SyncState];

/** What the rule needs of a projection entry. */
export interface ProjectedSeq {
  readonly seq: number;
}

/** What the rule needs of a follower's latest result. */
export interface ResultSeq {
  readonly seq: number;
  /** The outcome means the follower does not hold the applied state (failed or fenced). */
  readonly failed: boolean;
}

export function syncStateOf(entry: ProjectedSeq, result: ResultSeq | undefined): SyncState {
  if (result === undefined || result.seq < entry.seq) return SyncState.pending;
  return result.failed ? SyncState.failed : SyncState.inSync;
}
