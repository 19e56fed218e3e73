/**
 * The latest result per (follower, object) in columns rather than one object per pair: every
 * object key gets a slot, shared by all followers, and each follower has three Float64Arrays
 * indexed by slot (seq, when the result was recorded, when the watcher received it) plus a map of
 * its failures' messages. At 50 followers × 1,000 objects that is 24 bytes per result instead of
 * one summary object, its ISO time string and a map entry (~150 bytes: `watcher-bench.ts
 * results-memory`). `get` builds the summary when asked.
 */
import type { ObjectKey } from '@amko-fed/domain';
import { isNewerResult, type ResultSummary } from './federation-steps.ts';

const INITIAL_SLOTS = 64;
/** `seq` of a slot the follower has no result for (a result's seq is never negative). */
const ABSENT = -1;

export interface ResultTable {
  get(cluster: string, key: ObjectKey): ResultSummary | undefined;
  /** Stores `next` unless the follower's result for `key` is newer (`isNewerResult`); whether it was stored. */
  offer(cluster: string, key: ObjectKey, next: ResultSummary): boolean;
  /** Drops every result of `cluster`; whether it had any. */
  dropCluster(cluster: string): boolean;
  /** Drops every follower's result for `key` about `upToSeq` or an older seq. */
  forget(key: ObjectKey, upToSeq: number): void;
  clear(): void;
  /** Every stored result that is a failure. */
  failures(): IterableIterator<{ readonly cluster: string; readonly key: ObjectKey; readonly result: ResultSummary }>;
}

interface Columns {
  seq: Float64Array;
  atMs: Float64Array;
  seenMs: Float64Array;
  /** Slot → message of a failed result (the message may be undefined); absent: not failed. */
  readonly failed: Map<number, string | undefined>;
}

export function createResultTable(): ResultTable {
  const slotOf = new Map<ObjectKey, number>();
  /** Slot → its key; undefined for a free slot. */
  const keyOf: (ObjectKey | undefined)[] = [];
  const freeSlots: number[] = [];
  let capacity = INITIAL_SLOTS;
  const byCluster = new Map<string, Columns>();

  const newColumns = (): Columns => ({ seq: new Float64Array(capacity).fill(ABSENT), atMs: new Float64Array(capacity), seenMs: new Float64Array(capacity), failed: new Map() });

  function grown(column: Float64Array, fill: number): Float64Array {
    const next = new Float64Array(capacity).fill(fill);
    next.set(column);
    return next;
  }

  function slotFor(key: ObjectKey): number {
    const known = slotOf.get(key);
    if (known !== undefined) return known;
    const slot = freeSlots.pop() ?? keyOf.length;
    if (slot >= capacity) {
      capacity *= 2;
      for (const columns of byCluster.values()) {
        columns.seq = grown(columns.seq, ABSENT);
        columns.atMs = grown(columns.atMs, 0);
        columns.seenMs = grown(columns.seenMs, 0);
      }
    }
    slotOf.set(key, slot);
    keyOf[slot] = key;
    return slot;
  }

  function summaryAt(columns: Columns, slot: number): ResultSummary | undefined {
    const seq = columns.seq[slot] ?? ABSENT;
    if (seq === ABSENT) return undefined;
    const failed = columns.failed.has(slot);
    return { seq, atMs: columns.atMs[slot] ?? 0, failed, message: failed ? columns.failed.get(slot) : undefined, seenMs: columns.seenMs[slot] ?? 0 };
  }

  return {
    get(cluster, key) {
      const columns = byCluster.get(cluster);
      const slot = slotOf.get(key);
      return columns === undefined || slot === undefined ? undefined : summaryAt(columns, slot);
    },
    offer(cluster, key, next) {
      const slot = slotFor(key);
      let columns = byCluster.get(cluster);
      if (columns === undefined) {
        columns = newColumns();
        byCluster.set(cluster, columns);
      }
      if (!isNewerResult(summaryAt(columns, slot), next)) return false;
      columns.seq[slot] = next.seq;
      columns.atMs[slot] = next.atMs;
      columns.seenMs[slot] = next.seenMs;
      if (next.failed) columns.failed.set(slot, next.message);
      else columns.failed.delete(slot);
      return true;
    },
    dropCluster: (cluster) => byCluster.delete(cluster),
    forget(key, upToSeq) {
      const slot = slotOf.get(key);
      if (slot === undefined) return;
      let held = false;
      for (const columns of byCluster.values()) {
        const seq = columns.seq[slot] ?? ABSENT;
        if (seq === ABSENT) continue;
        if (seq <= upToSeq) {
          columns.seq[slot] = ABSENT;
          columns.failed.delete(slot);
        } else held = true;
      }
      if (held) return;
      slotOf.delete(key);
      keyOf[slot] = undefined;
      freeSlots.push(slot);
    },
    clear() {
      byCluster.clear();
      slotOf.clear();
      keyOf.length = 0;
      freeSlots.length = 0;
      capacity = INITIAL_SLOTS;
    },
    *failures() {
      for (const [cluster, columns] of byCluster) {
        for (const slot of columns.failed.keys()) {
          const key = keyOf[slot];
          const result = summaryAt(columns, slot);
          if (key !== undefined && result !== undefined) yield { cluster, key, result };
        }
      }
    },
  };
}
