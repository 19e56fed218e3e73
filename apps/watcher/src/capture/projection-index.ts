/**
 * The watcher's in-memory index of the projection: seq and state per object key. The watcher
 * holding the Lease is the only writer of the projection, so after a load at the start of leading
 * (and again after Redis lost its data: store-guard.ts) the index follows from its own appends.
 */
import { parseObjectKey, type FederatedKind, type ObjectKey } from '@amko-fed/domain';
import type { FederationLog } from '@amko-fed/queue';

export interface IndexEntry {
  readonly seq: number;
  readonly state: 'present' | 'absent';
  readonly contentHash: string | undefined;
  readonly resourceVersion: string;
}

export interface ProjectionIndex {
  get(key: ObjectKey): IndexEntry | undefined;
  set(key: ObjectKey, entry: IndexEntry): void;
  /** Keys of the given kinds (all states). */
  keys(kinds: readonly FederatedKind[]): ObjectKey[];
  entries(): IterableIterator<[ObjectKey, IndexEntry]>;
  /** Replaces the index with the projection as stored in Redis. */
  load(log: FederationLog): Promise<void>;
  readonly size: number;
  /** The highest seq this index has seen (appended, loaded or noted), across loads. */
  readonly maxSeq: number;
  /** Raises maxSeq (e.g. to the counter of a newly claimed incarnation). */
  noteSeq(seq: number): void;
}

export function createProjectionIndex(): ProjectionIndex {
  let map = new Map<ObjectKey, IndexEntry>();
  let maxSeq = 0;
  const noteSeq = (seq: number): void => {
    if (seq > maxSeq) maxSeq = seq;
  };
  return {
    get: (key) => map.get(key),
    set: (key, entry) => {
      map.set(key, entry);
      noteSeq(entry.seq);
    },
    noteSeq,
    keys: (kinds) => [...map.keys()].filter((key) => {
      const kind = parseObjectKey(key)?.kind;
      return kind !== undefined && kinds.includes(kind);
    }),
    entries: () => map.entries(),
    async load(log) {
      const next = new Map<ObjectKey, IndexEntry>();
      for await (const { objectKey, entry } of log.scanProjection()) {
        next.set(objectKey, {
          seq: entry.seq,
          state: entry.state,
          contentHash: entry.state === 'present' ? entry.contentHash : undefined,
          resourceVersion: entry.resourceVersion,
        });
        noteSeq(entry.seq);
      }
      map = next;
    },
    get size() {
      return map.size;
    },
    get maxSeq() {
      return maxSeq;
    },
  };
}
