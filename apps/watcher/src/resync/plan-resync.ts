/**
 * The functional core of a resync: which keys must be converged into the projection, and which
 * (follower, key) reconciles to enqueue. Follower-only keys matter: a GSLBConfig that exists only
 * on a follower must be deleted there (singleton consolidation), which the replicator does when the
 * projection holds a tombstone for it.
 */
import type { ObjectKey } from '@amko-fed/domain';
import type { ReplicationJob } from '@amko-fed/queue';

export interface IndexView {
  get(key: ObjectKey): { readonly seq: number; readonly state: 'present' | 'absent' } | undefined;
}

/**
 * Keys to converge before enqueueing: every leader object (appended when its content differs from
 * the projection) and every projection entry still "present" that the leader no longer has (it was
 * deleted while nobody watched: a tombstone is appended).
 */
export function keysToConverge(leaderKeys: ReadonlySet<ObjectKey>, projected: Iterable<[ObjectKey, { readonly state: 'present' | 'absent' }]>): ObjectKey[] {
  const keys = [...leaderKeys];
  for (const [key, entry] of projected) if (entry.state === 'present' && !leaderKeys.has(key)) keys.push(key);
  return keys;
}

/** Keys seen on followers that neither the leader nor the projection knows: they get tombstones. */
export function unknownFollowerKeys(
  followerKeys: ReadonlyMap<string, ReadonlySet<ObjectKey> | undefined>,
  leaderKeys: ReadonlySet<ObjectKey>,
  index: IndexView,
): ObjectKey[] {
  const unknown = new Set<ObjectKey>();
  for (const keys of followerKeys.values()) {
    for (const key of keys ?? []) if (!leaderKeys.has(key) && (index.get(key)?.seq ?? 0) === 0) unknown.add(key);
  }
  return [...unknown];
}

/**
 * The reconcile jobs for `clusters`: every leader key, plus the keys found on that follower; when
 * listing a follower failed (`undefined`), every projection key instead, tombstones included, so
 * deletions still reach it. Keys without a projection entry are skipped (nothing to apply yet).
 */
export function resyncJobs(
  clusters: readonly string[],
  leaderKeys: ReadonlySet<ObjectKey>,
  followerKeys: ReadonlyMap<string, ReadonlySet<ObjectKey> | undefined>,
  projectedKeys: readonly ObjectKey[],
  index: IndexView,
): ReplicationJob[] {
  const jobs: ReplicationJob[] = [];
  for (const cluster of clusters) {
    const listed = followerKeys.get(cluster);
    const keys = new Set<ObjectKey>(leaderKeys);
    for (const key of listed ?? projectedKeys) keys.add(key);
    for (const key of keys) {
      const seq = index.get(key)?.seq ?? 0;
      if (seq > 0) jobs.push({ cluster, objectKey: key, seq, reason: 'resync' });
    }
  }
  return jobs;
}
