/**
 * The watcher's hold on the Redis data set it writes into. Redis is an optimisation, never the
 * source of truth (docs/architecture.md §2): it may come back empty (restart without AOF), be
 * flushed, be replaced by another server, or be restored from an older snapshot. So:
 *   - at the start of federation the guard takes the data set's incarnation (one is created for a
 *     new or emptied Redis) after the projection index was loaded;
 *   - every append is guarded with that incarnation and the highest seq the index has seen, so an
 *     append never lands in a data set the index does not describe (`StoreChangedError`);
 *   - the data set is also checked every STORE_CHECK_INTERVAL_MS and when Redis reconnects, so a
 *     loss is noticed without waiting for the next leader change.
 * A loss is answered once per incarnation: a new incarnation is claimed whose seqs continue above
 * every seq seen (results recorded against the old data set can never look newer than a new
 * state), the index is reloaded from what Redis now holds, and `onLost` rebuilds the rest from the
 * leader (full resync, results reloaded, member registry republished).
 */
import { StoreChange, type FederationLog, type StoreGuard, type StoreState } from '@amko-fed/queue';
import type { Logger } from 'pino';
import type { ProjectionIndex } from './leader-view.ts';

export const STORE_CHECK_INTERVAL_MS = 2_000;

/** Whether Redis still holds the data set the watcher knows (pure). */
export function judgeStore(known: StoreGuard, state: StoreState): 'intact' | StoreChange {
  if (state.incarnation !== known.incarnation) return StoreChange.replaced;
  if (state.seq < known.minSeq) return StoreChange.rolledBack;
  return 'intact';
}

export interface StoreGuardHolder {
  /** Takes the data set's incarnation (creating one when Redis has none); call after the index loaded. */
  claim(): Promise<void>;
  /** The guard for appends; undefined before `claim()`. */
  current(): StoreGuard | undefined;
  /**
   * Compares Redis with what the watcher knows and recovers from a loss (coalesced: concurrent
   * calls share one recovery). Resolves true when the data set was intact.
   */
  check(): Promise<boolean>;
  /** Data-set losses recovered from so far. */
  losses(): number;
}

export interface StoreGuardDeps {
  readonly log: FederationLog;
  readonly index: ProjectionIndex;
  readonly logger: Logger;
  /** Rebuilds from the leader after a loss (the index is already reloaded). */
  onLost(change: StoreChange): Promise<void>;
}

export function createStoreGuard(deps: StoreGuardDeps): StoreGuardHolder {
  const { log, index } = deps;
  const logger = deps.logger.child({ component: 'store' });
  let incarnation: string | undefined;
  let checking: Promise<boolean> | undefined;
  let losses = 0;

  const current = (): StoreGuard | undefined => (incarnation === undefined ? undefined : { incarnation, minSeq: index.maxSeq });

  async function recover(change: StoreChange): Promise<void> {
    const claimed = await log.claimIncarnation({ mode: 'replace', minSeq: index.maxSeq });
    await index.load(log.scanProjection());
    index.noteSeq(claimed.seq);
    incarnation = claimed.incarnation;
    losses += 1;
    logger.warn(
      { change, projected: index.size, seq: claimed.seq },
      change === StoreChange.replaced
        ? 'Redis lost the federation data (restarted empty, flushed or replaced); rebuilding it from the leader'
        : 'Redis went back to an older snapshot of the federation data; rebuilding it from the leader',
    );
    await deps.onLost(change);
  }

  async function checkOnce(): Promise<boolean> {
    const known = current();
    if (known === undefined) return true;
    const verdict = judgeStore(known, await log.storeState());
    if (verdict === 'intact') return true;
    await recover(verdict);
    return false;
  }

  return {
    async claim() {
      const claimed = await log.claimIncarnation({ mode: 'ifAbsent', minSeq: index.maxSeq });
      index.noteSeq(claimed.seq);
      incarnation = claimed.incarnation;
      if (claimed.created) logger.info({ seq: claimed.seq }, 'Started a new federation data set in Redis');
    },
    current,
    check() {
      checking ??= checkOnce().finally(() => {
        checking = undefined;
      });
      return checking;
    },
    losses: () => losses,
  };
}
