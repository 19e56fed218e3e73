/**
 * Converging one object key into the federation log: the leader's current state (or its absence)
 * is appended when the projection differs, and a watched change is then enqueued for every valid
 * follower in one call (one pipelined round trip per follower queue).
 *
 * A deletion is a fact once the leader's watch reported it (or a resync found the object gone):
 * when the projection has no entry for the key at all (never recorded, or Redis lost its data) a
 * tombstone is written anyway, so the deletion reaches every follower; it is never dropped. Appends
 * are guarded (store-guard.ts): one refused because Redis lost its data starts the recovery and
 * fails this round, which the key work queue retries against the rebuilt data set.
 */
import { parseObjectKey, type ObjectKey, type ReplicationJob } from '@amko-fed/domain';
import { StoreChangedError, type FederationLog, type StoreGuard } from '@amko-fed/queue';
import type { Logger } from 'pino';
import type { Dispatch } from '../dispatch/dispatch.ts';
import type { WatcherMetrics } from '../http/metrics.ts';
import type { LeaderObject } from './leader-object.ts';
import type { ProjectionIndex } from './leader-view.ts';

export interface KeySyncOptions {
  readonly source: 'watch' | 'resync';
  /** resourceVersion of the DELETED event, when the key was deleted while watched. */
  readonly deletedResourceVersion: string | undefined;
}

export interface KeySync {
  /** @param current the leader's object, undefined when it does not exist (any more). */
  converge(key: ObjectKey, current: LeaderObject | undefined, options: KeySyncOptions): Promise<void>;
}

export interface KeySyncDeps {
  readonly log: FederationLog;
  readonly dispatch: Dispatch;
  readonly index: ProjectionIndex;
  readonly metrics: WatcherMetrics;
  readonly logger: Logger;
  /** The followers jobs go to right now. */
  validFollowers(): readonly string[];
  /** The leader cluster's context name, recorded in the history (undefined when not known). */
  leaderName?(): string | undefined;
  /** The leader's epoch, recorded in the history (undefined before it is taken). */
  epoch?(): number | undefined;
  /** The guard of every append (undefined: unguarded). */
  guard(): StoreGuard | undefined;
  /** An append found Redis holding another data set. */
  storeChanged(): void;
}

export function createKeySync(deps: KeySyncDeps): KeySync {
  const { log, index, metrics } = deps;
  const logger = deps.logger.child({ component: 'capture' });
  /** Keys whose event was appended but whose jobs could not be enqueued yet. */
  const unenqueued = new Map<ObjectKey, number>();

  async function enqueue(key: ObjectKey, seq: number): Promise<void> {
    const jobs: ReplicationJob[] = deps.validFollowers().map((cluster) => ({ cluster, objectKey: key, seq, reason: 'event' }));
    if (jobs.length === 0) return;
    await deps.dispatch(jobs);
  }

  return {
    async converge(key, current, options) {
      const ref = parseObjectKey(key);
      if (ref === undefined) return;
      const known = index.get(key);
      const guard = deps.guard();
      const leader = deps.leaderName?.();
      const epoch = deps.epoch?.();
      const origin = { ...(leader === undefined ? {} : { leader }), ...(epoch === undefined ? {} : { epoch }) };
      let appended = false;
      let seq: number;
      try {
        if (current !== undefined) {
          const result = await log.appendIfChanged(
            {
              op: 'upsert',
              objectKey: key,
              kind: ref.kind,
              resourceVersion: current.resourceVersion,
              ...(current.generation === undefined ? {} : { generation: current.generation }),
              contentHash: current.contentHash,
              object: current.object,
              source: options.source,
              managers: [...current.managers],
              ...origin,
            },
            guard,
          );
          ({ appended, seq } = result);
          index.set(key, { seq, state: 'present', contentHash: current.contentHash, resourceVersion: current.resourceVersion });
        } else {
          const input = {
            op: 'delete' as const,
            objectKey: key,
            kind: ref.kind,
            resourceVersion: options.deletedResourceVersion ?? known?.resourceVersion ?? '',
            ...(known?.contentHash === undefined ? {} : { contentHash: known.contentHash }),
            source: options.source,
            ...origin,
          };
          const result = await log.appendIfChanged(input, guard);
          ({ appended, seq } = result);
          if (!appended && seq === 0) {
            seq = await log.appendEvent(input, guard);
            appended = true;
          }
          index.set(key, { seq, state: 'absent', contentHash: undefined, resourceVersion: input.resourceVersion });
        }
      } catch (err) {
        if (err instanceof StoreChangedError) deps.storeChanged();
        throw err;
      }
      if (appended) {
        const op = current === undefined ? 'delete' : 'upsert';
        metrics.events.inc({ kind: ref.kind, op });
        // Watched changes are news; the resync's catch-up is summarised by the resync itself.
        const level = options.source === 'watch' ? 'info' : 'debug';
        logger[level]({ objectKey: key, seq, op, source: options.source }, `Recorded ${ref.kind} ${op === 'delete' ? 'deletion' : 'change'}`);
      }
      if ((appended && options.source === 'watch') || unenqueued.has(key)) {
        unenqueued.set(key, seq);
        await enqueue(key, seq);
        unenqueued.delete(key);
      }
    },
  };
}
