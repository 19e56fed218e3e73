/**
 * The latest replication result per (follower, object), kept in memory from the results store:
 * loaded once, then followed on the results stream (the follow position is pinned before the load,
 * so nothing recorded in between is missed; applying a result twice is harmless).
 */
import { isFailedOutcome, type ObjectKey, type ResultRecord, type ResultStreamEntry } from '@amko-fed/domain';
import type { ResultsFollower, ResultsStore } from '@amko-fed/queue';
import type { Logger } from 'pino';
import { isNewerResult, type ResultSummary } from './federation-steps.ts';

export interface ResultsCache {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Forgets every result and loads them again from the store (after Redis lost its data). */
  reset(): Promise<void>;
  get(cluster: string, key: ObjectKey): ResultSummary | undefined;
  /** Every cached latest result that is a failure. */
  /** Drops every cluster's cached result for `key` at `upToSeq` or older (its tombstone was pruned). */
  forget(key: ObjectKey, upToSeq: number): void;
  failures(): IterableIterator<{ readonly cluster: string; readonly key: ObjectKey; readonly result: ResultSummary }>;
}

const STOP_WAIT_MS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function summarise(record: ResultRecord, seenMs: number): ResultSummary {
  const failed = isFailedOutcome(record.outcome);
  return { seq: record.seq, at: record.at, failed, message: failed ? (record.errorMessage ?? record.errorCode) : undefined, seenMs };
}

export function createResultsCache(options: {
  readonly store: ResultsStore;
  readonly logger: Logger;
  /** Called after results changed. */
  onChange(): void;
  /** @defaultValue () => Date.now() */
  now?(): number;
}): ResultsCache {
  const now = options.now ?? (() => Date.now());
  const logger = options.logger.child({ component: 'status' });
  const byCluster = new Map<string, Map<ObjectKey, ResultSummary>>();
  /**
   * One string per object key, shared by every follower's map: each record parsed from Redis brings
   * its own copy of the key, and at 10 followers × 10,000 objects the copies alone are ~4 MB.
   */
  const keys = new Map<ObjectKey, ObjectKey>();
  const shared = (key: ObjectKey): ObjectKey => {
    const known = keys.get(key);
    if (known !== undefined) return known;
    keys.set(key, key);
    return key;
  };
  let follower: ResultsFollower | undefined;
  let lastErrorText: string | undefined;
  let stopped = false;

  function apply(record: ResultRecord): boolean {
    let results = byCluster.get(record.cluster);
    if (results === undefined) {
      results = new Map();
      byCluster.set(record.cluster, results);
    }
    const next = summarise(record, now());
    if (!isNewerResult(results.get(record.objectKey), next)) return false;
    results.set(shared(record.objectKey), next);
    return true;
  }

  function onBatch(entries: ResultStreamEntry[]): void {
    let changed = false;
    for (const entry of entries) {
      if (entry.type === 'cleared') changed = byCluster.delete(entry.cluster) || changed;
      else changed = apply(entry.record) || changed;
    }
    lastErrorText = undefined;
    if (changed) options.onChange();
  }

  async function follow(): Promise<void> {
    follower = options.store.followResults('$', onBatch, {
      onError: (err) => {
        const text = err instanceof Error ? err.message : String(err);
        if (text !== lastErrorText) logger.warn({ err }, 'Could not read replication results, retrying');
        lastErrorText = text;
      },
    });
    // Wait until the follow position is pinned, then load the current results.
    while (follower.lastId === '$' && !stopped) await sleep(5);
    for (let attempt = 1; !stopped; attempt += 1) {
      try {
        // Page by page: 10 followers × 10,000 objects are 100,000 records, never held at once.
        for await (const record of options.store.scanResults()) apply(record);
        options.onChange();
        return;
      } catch (err) {
        logger.warn({ err }, 'Could not load replication results, retrying');
        await sleep(Math.min(5_000, 100 * 2 ** attempt));
      }
    }
  }

  async function unfollow(): Promise<void> {
    const stopping = follower?.stop();
    follower = undefined;
    // The follower's stop() disconnects its reader and waits for the pending read; a read queued
    // while the reader was reconnecting never settles after that (ioredis does not flush the
    // offline queue of a connection closed while reconnecting), so the wait is bounded.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stopping, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
    clearTimeout(timer);
  }

  return {
    forget(key, upToSeq) {
      let held = false;
      for (const results of byCluster.values()) {
        const result = results.get(key);
        if (result !== undefined && result.seq <= upToSeq) results.delete(key);
        else if (result !== undefined) held = true;
      }
      if (!held) keys.delete(key);
    },
    start: follow,
    async stop() {
      stopped = true;
      await unfollow();
    },
    async reset() {
      if (stopped) return;
      await unfollow();
      byCluster.clear();
      keys.clear();
      options.onChange();
      await follow();
    },
    get: (cluster, key) => byCluster.get(cluster)?.get(key),
    *failures() {
      for (const [cluster, results] of byCluster) {
        for (const [key, result] of results) if (result.failed) yield { cluster, key, result };
      }
    },
  };
}
