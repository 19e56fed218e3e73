/**
 * The functional core of a resync: which keys must be converged into the projection, and which
 * (follower, key) reconciles to enqueue.
 *
 * A follower is listed (its objects of the federated kinds with their content hashes), so the
 * resync sees drift itself: a reconcile is enqueued where the follower differs from the leader —
 * missing, extra (a tombstone makes the replicator delete it: singleton consolidation), other
 * content, being deleted — or where the follower's latest result does not confirm the projection's
 * state (it failed, is about an older seq, or is missing: so the next result can clear it; a job or
 * a result Redis lost in a failover that its seq counter did not reveal is made good this way).
 * Where the follower already holds exactly the leader's content and its result says so, the
 * replicator would plan a no-op, so no job is made: steady-state resyncs cost one list per kind and
 * follower, not one job per object and follower. When listing a follower failed, every object is
 * reconciled there, tombstones included.
 */
import type { ObjectKey, ReplicationJob } from '@amko-fed/domain';

export interface IndexView {
  get(key: ObjectKey): { readonly seq: number; readonly state: 'present' | 'absent' } | undefined;
}

/** A follower's objects as listed: content hash per key (DELETING for objects being deleted). */
export type FollowerObjects = ReadonlyMap<ObjectKey, string>;
export const DELETING = 'deleting';
/** A copy written at another leadership epoch than this leader's: it differs whatever its content (it is re-stamped). */
export const OTHER_EPOCH = 'other-epoch';

/** How a listed follower differs from the leader for one object. */
export const Divergence = {
  missing: 'missing',
  differs: 'differs',
  deleting: 'deleting',
  /** The follower holds an object the leader does not have. */
  extra: 'extra',
} as const;
export type Divergence = (typeof Divergence)[keyof typeof Divergence];

/** Every object where a listed follower differs from the leader (pure). */
export function divergencesOf(leader: ReadonlyMap<ObjectKey, string>, listed: FollowerObjects): Map<ObjectKey, Divergence> {
  const found = new Map<ObjectKey, Divergence>();
  for (const [key, hash] of leader) {
    const held = listed.get(key);
    if (held === undefined) found.set(key, Divergence.missing);
    else if (held === DELETING) found.set(key, Divergence.deleting);
    else if (held !== hash) found.set(key, Divergence.differs);
  }
  for (const key of listed.keys()) if (!leader.has(key)) found.set(key, Divergence.extra);
  return found;
}

/**
 * Keys to converge before enqueueing: every leader object (appended when its content differs from
 * the projection) and every projection entry still "present" that the leader no longer has (it was
 * deleted while nobody watched: a tombstone is appended).
 */
export function keysToConverge(leaderKeys: Iterable<ObjectKey>, projected: Iterable<[ObjectKey, { readonly state: 'present' | 'absent' }]>): ObjectKey[] {
  const keys = [...leaderKeys];
  const onLeader = new Set(keys);
  for (const [key, entry] of projected) if (entry.state === 'present' && !onLeader.has(key)) keys.push(key);
  return keys;
}

/** Keys seen on followers that neither the leader nor the projection knows: they get tombstones. */
export function unknownFollowerKeys(
  followers: ReadonlyMap<string, FollowerObjects | undefined>,
  leader: ReadonlyMap<ObjectKey, string>,
  index: IndexView,
): ObjectKey[] {
  const unknown = new Set<ObjectKey>();
  for (const objects of followers.values()) {
    for (const key of objects?.keys() ?? []) if (!leader.has(key) && (index.get(key)?.seq ?? 0) === 0) unknown.add(key);
  }
  return [...unknown];
}

export interface ResyncJobsInput {
  readonly clusters: readonly string[];
  /** The leader's objects: content hash per key. */
  readonly leader: ReadonlyMap<ObjectKey, string>;
  /** Per follower its listed objects, or undefined when listing it failed. */
  readonly followers: ReadonlyMap<string, FollowerObjects | undefined>;
  /** Every projection key of the federated kinds. */
  readonly projectedKeys: readonly ObjectKey[];
  readonly index: IndexView;
  /**
   * Whether the follower's latest result for the key does not confirm the projection's state (it
   * failed, or describes an older seq, or is missing for a present object): then the key is
   * reconciled even where the follower looks equal, so a result at the current seq replaces it.
   */
  unconfirmed(cluster: string, key: ObjectKey): boolean;
}

/** Reconcile jobs of `keys` on `cluster` at their projected seq; keys without a projection entry are skipped (nothing to apply yet). */
export function reconcileJobs(cluster: string, keys: Iterable<ObjectKey>, index: IndexView): ReplicationJob[] {
  const jobs: ReplicationJob[] = [];
  for (const key of keys) {
    const seq = index.get(key)?.seq ?? 0;
    if (seq > 0) jobs.push({ cluster, objectKey: key, seq, reason: 'resync' });
  }
  return jobs;
}

/** The reconcile jobs; keys without a projection entry are skipped (nothing to apply yet). */
export function resyncJobs(input: ResyncJobsInput): ReplicationJob[] {
  const jobs: ReplicationJob[] = [];
  for (const cluster of input.clusters) {
    const listed = input.followers.get(cluster);
    const keys = new Set<ObjectKey>();
    if (listed === undefined) {
      for (const key of input.leader.keys()) keys.add(key);
      for (const key of input.projectedKeys) keys.add(key);
    } else {
      for (const key of divergencesOf(input.leader, listed).keys()) keys.add(key);
      // Every leader object the resync could record is in the projection, tombstones too.
      for (const key of input.projectedKeys) if (input.unconfirmed(cluster, key)) keys.add(key);
    }
    for (const job of reconcileJobs(cluster, keys, input.index)) jobs.push(job); // no spread: a key set can be 10,000s
  }
  return jobs;
}
