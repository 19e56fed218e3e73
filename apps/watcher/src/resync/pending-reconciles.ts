/**
 * What the last resync found different on each follower and reconciled, until results catch up
 * (federation-steps.ts, follower-sync-counts.ts). A resync lists each follower once, so one listing
 * time per follower is kept, and per object one number (seq × 4 + the divergence): a fan-out to 50
 * new followers × 1,000 objects is 50,000 map entries of small integers, not 50,000 objects.
 */
import type { ObjectKey } from '@amko-fed/domain';
import { Divergence } from './plan-resync.ts';
import type { PendingReconcile } from './resync.ts';

const WHYS: readonly Divergence[] = Object.values(Divergence);

export interface PendingReconciles {
  /**
   * Replaces what is pending on `cluster` by what a resync found there. Its entries share one
   * listing time; should they not, the latest is kept for all (a result must then be newer than
   * that, which only ever keeps a difference a little longer).
   */
  replace(cluster: string, found: ReadonlyMap<ObjectKey, PendingReconcile>): void;
  get(cluster: string, key: ObjectKey): PendingReconcile | undefined;
  /**
   * Drops every follower's finding about `key` at `upToSeq` or an older seq: its tombstone was
   * pruned, so every valid follower applied a later state and the results that would have cleared
   * the finding are gone with it.
   */
  forget(key: ObjectKey, upToSeq: number): void;
  delete(cluster: string): void;
  clear(): void;
}

interface FollowerPending {
  readonly sinceMs: number;
  /** Per object, seq × WHYS.length + the index of the divergence in WHYS. */
  readonly codes: Map<ObjectKey, number>;
}

const seqOf = (code: number): number => Math.floor(code / WHYS.length);

export function createPendingReconciles(): PendingReconciles {
  const byCluster = new Map<string, FollowerPending>();
  return {
    replace(cluster, found) {
      if (found.size === 0) {
        byCluster.delete(cluster);
        return;
      }
      let sinceMs = Number.NEGATIVE_INFINITY;
      const codes = new Map<ObjectKey, number>();
      for (const [key, pending] of found) {
        sinceMs = Math.max(sinceMs, pending.sinceMs);
        codes.set(key, pending.seq * WHYS.length + WHYS.indexOf(pending.why));
      }
      byCluster.set(cluster, { sinceMs, codes });
    },
    get(cluster, key) {
      const pending = byCluster.get(cluster);
      const code = pending?.codes.get(key);
      if (pending === undefined || code === undefined) return undefined;
      const why = WHYS[code % WHYS.length];
      if (why === undefined) throw new RangeError(`pending reconcile code ${code} names no divergence`);
      return { why, seq: seqOf(code), sinceMs: pending.sinceMs };
    },
    forget(key, upToSeq) {
      for (const [cluster, pending] of byCluster) {
        const code = pending.codes.get(key);
        if (code === undefined || seqOf(code) > upToSeq) continue;
        pending.codes.delete(key);
        if (pending.codes.size === 0) byCluster.delete(cluster);
      }
    },
    delete: (cluster) => void byCluster.delete(cluster),
    clear: () => byCluster.clear(),
  };
}
