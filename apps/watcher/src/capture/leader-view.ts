/**
 * The watcher's one in-memory view of the leader's federated objects, per object key: what the
 * leader has now (from the informers, the trimmed copy the projection stores) and what the
 * projection in Redis records for it (seq, state, content hash, resourceVersion). Redis keeps the
 * projection itself; nothing else in the watcher holds a copy. The watcher holding the Lease is the
 * only writer of the projection, so after a load at the start of leading (and again after Redis
 * lost its data: store-guard.ts) the recorded side follows from its own appends.
 */
import { parseObjectKey, type FederatedKind, type ObjectKey } from '@amko-fed/domain';
import type { ProjectionListing } from '@amko-fed/queue';
import type { LeaderObject } from './leader-object.ts';

/** What the projection records for an object. */
export interface IndexEntry {
  readonly seq: number;
  readonly state: 'present' | 'absent';
  readonly contentHash: string | undefined;
  readonly resourceVersion: string;
}

/** The recorded side of the view (the projection's seq and state per key). */
export interface ProjectionIndex {
  get(key: ObjectKey): IndexEntry | undefined;
  set(key: ObjectKey, entry: IndexEntry): void;
  /** Forgets a pruned tombstone; false (nothing changed) when the key is no longer recorded at `seq` as absent. */
  forget(key: ObjectKey, seq: number): boolean;
  /** Recorded keys of the given kinds (all states). */
  keys(kinds: readonly FederatedKind[]): ObjectKey[];
  /** Every recorded key with its entry. */
  entries(): IterableIterator<[ObjectKey, IndexEntry]>;
  /** Replaces the recorded side with the projection as stored in Redis (`FederationLog.scanProjection()`). */
  load(projection: AsyncIterable<ProjectionListing>): Promise<void>;
  /** Recorded keys. */
  readonly size: number;
  /** The highest seq seen (appended, loaded or noted), across loads. */
  readonly maxSeq: number;
  /** Raises maxSeq (e.g. to the counter of a newly claimed incarnation). */
  noteSeq(seq: number): void;
}

/** The leader side of the view (the informers' current objects). */
export interface LeaderObjects {
  /** The leader's current object, undefined when it has none (any more). */
  leader(key: ObjectKey): LeaderObject | undefined;
  /** Stores the leader's object; returns the one it replaces. */
  setLeader(object: LeaderObject): LeaderObject | undefined;
  /** The leader deleted the object (`resourceVersion` of the DELETED event); false when it had none. */
  deleteLeader(key: ObjectKey, resourceVersion: string | undefined): boolean;
  /** resourceVersion of a deletion not yet recorded. */
  deletedVersion(key: ObjectKey): string | undefined;
  /** The deletion was recorded. */
  forgetDeletion(key: ObjectKey): void;
  /** Every object the leader has now. */
  leaders(): IterableIterator<LeaderObject>;
}

export interface LeaderView extends ProjectionIndex, LeaderObjects {}

interface ViewEntry {
  leader: LeaderObject | undefined;
  deletedVersion: string | undefined;
  recorded: IndexEntry | undefined;
}

export function createLeaderView(): LeaderView {
  const view = new Map<ObjectKey, ViewEntry>();
  let recordedCount = 0;
  let maxSeq = 0;
  const noteSeq = (seq: number): void => {
    if (seq > maxSeq) maxSeq = seq;
  };
  const entryOf = (key: ObjectKey): ViewEntry => {
    let entry = view.get(key);
    if (entry === undefined) {
      entry = { leader: undefined, deletedVersion: undefined, recorded: undefined };
      view.set(key, entry);
    }
    return entry;
  };
  /** Drops an entry that holds nothing any more. */
  const tidy = (key: ObjectKey, entry: ViewEntry): void => {
    if (entry.leader === undefined && entry.deletedVersion === undefined && entry.recorded === undefined) view.delete(key);
  };
  const record = (key: ObjectKey, recorded: IndexEntry): void => {
    const entry = entryOf(key);
    if (entry.recorded === undefined) recordedCount += 1;
    entry.recorded = recorded;
    noteSeq(recorded.seq);
  };

  return {
    get: (key) => view.get(key)?.recorded,
    set: record,
    forget(key, seq) {
      const entry = view.get(key);
      if (entry?.recorded?.state !== 'absent' || entry.recorded.seq !== seq) return false;
      entry.recorded = undefined;
      recordedCount -= 1;
      tidy(key, entry);
      return true;
    },
    keys: (kinds) => {
      const keys: ObjectKey[] = [];
      for (const [key, entry] of view) {
        const kind = parseObjectKey(key)?.kind;
        if (entry.recorded !== undefined && kind !== undefined && kinds.includes(kind)) keys.push(key);
      }
      return keys;
    },
    *entries() {
      for (const [key, entry] of view) if (entry.recorded !== undefined) yield [key, entry.recorded];
    },
    async load(projection) {
      const loaded = new Map<ObjectKey, IndexEntry>();
      for await (const { objectKey, entry } of projection) {
        loaded.set(objectKey, {
          seq: entry.seq,
          state: entry.state,
          contentHash: entry.state === 'present' ? entry.contentHash : undefined,
          resourceVersion: entry.resourceVersion,
        });
      }
      for (const [key, entry] of view) {
        entry.recorded = undefined;
        tidy(key, entry);
      }
      recordedCount = 0;
      for (const [key, recorded] of loaded) record(key, recorded);
    },
    get size() {
      return recordedCount;
    },
    get maxSeq() {
      return maxSeq;
    },
    noteSeq,

    leader: (key) => view.get(key)?.leader,
    setLeader(object) {
      const entry = entryOf(object.key);
      const previous = entry.leader;
      entry.leader = object;
      return previous;
    },
    deleteLeader(key, resourceVersion) {
      const entry = view.get(key);
      if (entry?.leader === undefined) return false;
      entry.leader = undefined;
      if (resourceVersion !== undefined) entry.deletedVersion = resourceVersion;
      return true;
    },
    deletedVersion: (key) => view.get(key)?.deletedVersion,
    forgetDeletion(key) {
      const entry = view.get(key);
      if (entry === undefined) return;
      entry.deletedVersion = undefined;
      tidy(key, entry);
    },
    *leaders() {
      for (const entry of view.values()) if (entry.leader !== undefined) yield entry.leader;
    },
  };
}
