/**
 * Keeps what the federation stores bounded: tombstones go once every valid follower has applied the
 * deletion (`isTombstoneApplied`), together with the results about them (superseded by the
 * absence), from Redis and from the watcher's own view and results cache, and so do the resyncs'
 * findings about them (a finding whose clearing result is gone would otherwise be reported again
 * should the key come back to the projection, e.g. as a tombstone a resync of another follower
 * records anew); history entries past the retention age go too (`FederationLog.pruneHistory`).
 * Runs at most every `intervalMs` from the federation's periodic tick, never beside a resync
 * (pass-lock.ts), and checks each tombstone against the followers valid right before removing it;
 * a failed pass is logged and tried again at the next one.
 */
import { isTombstoneApplied, type ObjectKey } from '@amko-fed/domain';
import type { FederationLog, ResultsStore } from '@amko-fed/queue';
import type { Logger } from 'pino';
import type { ProjectionIndex } from '../capture/leader-view.ts';
import type { PendingReconciles } from '../resync/pending-reconciles.ts';
import { createPassLock, type PassLock } from '../session/pass-lock.ts';
import type { ResultsCache } from '../status/results-cache.ts';

export interface RetentionDeps {
  readonly log: Pick<FederationLog, 'pruneTombstone' | 'pruneHistory'>;
  readonly results: Pick<ResultsStore, 'forgetResults'>;
  readonly index: Pick<ProjectionIndex, 'entries' | 'forget'>;
  readonly cache: Pick<ResultsCache, 'get' | 'forget'>;
  /** The resyncs' findings per follower (pending-reconciles.ts). */
  readonly pending: Pick<PendingReconciles, 'forget'>;
  readonly logger: Logger;
  validFollowers(): readonly string[];
  /** @defaultValue 30000 */
  readonly intervalMs?: number;
  now(): number;
  /** Shared with the resync: a pass is skipped while a resync runs or waits (pass-lock.ts). @defaultValue a lock of its own */
  readonly passes?: PassLock;
}

export interface PruneSummary {
  readonly tombstones: number;
  readonly results: number;
  readonly historyObjects: number;
  readonly historyEntries: number;
}

export interface Retention {
  /** One pass now. */
  prune(): Promise<PruneSummary>;
  /** A pass when `intervalMs` has passed since the last one; never throws. */
  pruneIfDue(): Promise<void>;
}

export const RETENTION_INTERVAL_MS = 30_000;

export function createRetention(deps: RetentionDeps): Retention {
  const logger = deps.logger.child({ component: 'retention' });
  const intervalMs = deps.intervalMs ?? RETENTION_INTERVAL_MS;
  let lastMs: number | undefined;
  const passes = deps.passes ?? createPassLock();

  async function prune(): Promise<PruneSummary> {
    // Collected first: pruning forgets index entries while the loop awaits.
    const tombstoneSeqs: [ObjectKey, number][] = [];
    for (const [key, entry] of deps.index.entries()) if (entry.state === 'absent') tombstoneSeqs.push([key, entry.seq]);
    let tombstones = 0;
    let results = 0;
    for (const [key, seq] of tombstoneSeqs) {
      // With the followers valid right now: one that became valid during the pass has not applied it.
      if (!isTombstoneApplied(seq, deps.validFollowers(), (cluster) => deps.cache.get(cluster, key))) continue;
      if (!(await deps.log.pruneTombstone(key, seq))) continue;
      tombstones += 1;
      results += await deps.results.forgetResults(key, seq);
      deps.index.forget(key, seq);
      deps.cache.forget(key, seq);
      deps.pending.forget(key, seq);
    }
    const history = await deps.log.pruneHistory();
    const summary = { tombstones, results, historyObjects: history.removedObjects, historyEntries: history.droppedEntries };
    if (tombstones > 0 || history.droppedEntries > 0) logger.debug(summary, 'Pruned tombstones and history');
    return summary;
  }

  return {
    prune,
    async pruneIfDue() {
      const now = deps.now();
      if (lastMs !== undefined && now - lastMs < intervalMs) return;
      const pass = passes.tryRun(prune);
      // A resync runs or waits: this pass is due again at the next tick.
      if (pass === undefined) return;
      lastMs = now;
      try {
        await pass;
      } catch (err) {
        logger.warn({ err }, 'Could not prune tombstones and history, retrying at the next pass');
      }
    },
  };
}
