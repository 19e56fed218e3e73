/**
 * Replay, shared by the replicator's `POST /replay` and `amko-fed replay`: re-drive failed jobs of
 * a selection, or push every object the projection knows (tombstones included) to one follower.
 * Either way the worker applies the projection's LATEST state, so replaying an old failure after a
 * newer update can never bring back the older state.
 */
import { JobReason, type FederatedKind, type ObjectKey, type ReplicationJob } from '@amko-fed/domain';
import { ReplaySelectionError } from './errors/replay-selection-error.ts';
import type { FederationLog } from './federation-log.ts';
import type { FollowerQueues } from './follower-queues.ts';

export interface ReplaySelection {
  /** One follower; all `followers` when absent (not allowed with `allObjects`). */
  readonly cluster?: string | undefined;
  readonly kind?: FederatedKind | undefined;
  readonly objectKey?: ObjectKey | undefined;
  /** Enqueue every projection object (of `kind`, or the one `objectKey`) to `cluster`, failed or not. */
  readonly allObjects?: boolean | undefined;
}

export interface ReplayResult {
  /** Failed jobs re-driven. */
  readonly retried: number;
  /** Objects enqueued from the projection (`allObjects`). */
  readonly enqueued: number;
  readonly clusters: readonly string[];
}

export interface ReplayDeps {
  readonly queues: FollowerQueues;
  readonly log: FederationLog;
  /** The followers that exist (from the member registry). */
  readonly followers: readonly string[];
}

export async function replay(deps: ReplayDeps, selection: ReplaySelection): Promise<ReplayResult> {
  const { cluster, kind, objectKey, allObjects } = selection;
  if (cluster !== undefined && !deps.followers.includes(cluster)) {
    throw new ReplaySelectionError(`cluster "${cluster}" is not a follower of this leader; followers: ${deps.followers.join(', ') || 'none'}`);
  }
  if (allObjects) {
    if (cluster === undefined) throw new ReplaySelectionError('allObjects needs a cluster: name the follower to re-drive');
    const jobs: ReplicationJob[] = [];
    for await (const { objectKey: key, entry } of deps.log.scanProjection()) {
      if (objectKey !== undefined && key !== objectKey) continue;
      if (kind !== undefined && !key.startsWith(`${kind}/`)) continue;
      jobs.push({ cluster, objectKey: key, seq: entry.seq, reason: JobReason.replay });
    }
    if (jobs.length > 0) await deps.queues.enqueueMany(jobs);
    return { retried: 0, enqueued: jobs.length, clusters: [cluster] };
  }
  const clusters = cluster !== undefined ? [cluster] : [...deps.followers];
  let retried = 0;
  for (const name of clusters) retried += await deps.queues.retryFailed(name, { kind, objectKey });
  return { retried, enqueued: 0, clusters };
}
