/**
 * The latest replication result per (follower, object), kept in memory from the results store:
 * loaded once, then followed on the results stream (the follow position is pinned before the load,
 * so nothing recorded in between is missed; applying a result twice is harmless).
 */
import { isFailedOutcome, type ObjectKey, type ResultRecord, type ResultStreamEntry } from '@amko-fed/domain';
import type { ResultsFollower, ResultsStore } from '@amko-fed/queue';
import type { Logger } from 'pino';
import type { ResultSummary } from './federation-steps.ts';
import { createResultTable } from './result-table.ts';

export interface ResultsCache {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Forgets every result and loads them again from the store (after Redis lost its data). */
  reset(): Promise<void>;
  get(cluster: string, key: ObjectKey): ResultSummary | undefined;
  /** Drops every cluster's cached result for `key` at `upToSeq` or older (its tombstone was pruned). */
  forget(key: ObjectKey, upToSeq: number): void;
  /** Every cached latest result that is a failure. */
  failures(): IterableIterator<{ readonly cluster: string; readonly key: ObjectKey; readonly result: ResultSummary }>;
}

const STOP_WAIT_MS = 2_000;
/**
 * How long the cache waits after each batch of results before reading the stream again. A leader
 * change gives one result per follower within a few ms: read one by one, each result cost the
 * watcher a read and a status wake-up while the replicator was still applying the others (the
 * latency benchmark: watcher CPU per write ~4 → ~3 ms). The status is debounced far longer
 * (STATUS_DEBOUNCE, 500 ms), so nothing a user sees waits for this.
 */
export const RESULTS_GATHER_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function summarise(record: ResultRecord, seenMs: number): ResultSummary {
  const failed = isFailedOutcome(record.outcome);
  return { seq: record.seq, atMs: Date.parse(record.at), failed, message: failed ? (record.errorMessage ?? record.errorCode) : undefined, seenMs };
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
  const table = createResultTable();
  let follower: ResultsFollower | undefined;
  let lastErrorText: string | undefined;
  let stopped = false;

  const apply = (record: ResultRecord): boolean => table.offer(record.cluster, record.objectKey, summarise(record, now()));

  function onBatch(entries: ResultStreamEntry[]): void {
    let changed = false;
    for (const entry of entries) {
      if (entry.type === 'cleared') changed = table.dropCluster(entry.cluster) || changed;
      else changed = apply(entry.record) || changed;
    }
    lastErrorText = undefined;
    if (changed) options.onChange();
  }

  async function follow(): Promise<void> {
    follower = options.store.followResults('$', onBatch, {
      gatherMs: RESULTS_GATHER_MS,
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
    forget: (key, upToSeq) => table.forget(key, upToSeq),
    start: follow,
    async stop() {
      stopped = true;
      await unfollow();
    },
    async reset() {
      if (stopped) return;
      await unfollow();
      table.clear();
      options.onChange();
      await follow();
    },
    get: (cluster, key) => table.get(cluster, key),
    failures: () => table.failures(),
  };
}
