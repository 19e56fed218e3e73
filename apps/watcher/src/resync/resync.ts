/**
 * Full resync (at start, after a relist, every RESYNC_INTERVAL) and per-member resync (when a
 * member becomes valid again): the leader's objects are diffed against the projection (synthetic
 * events, tombstones for deletions nobody saw), every valid follower is listed, and a reconcile is
 * enqueued for every (valid follower, object) where the follower differs from the leader (see
 * plan-resync.ts). Requests coalesce: at most one resync runs at a time.
 */
import {
  AVI_SYSTEM_NAMESPACE,
  FEDERATED_KINDS,
  hashFederatedContent,
  readEpoch,
  isFederatedCopy,
  parseObjectKey,
  toObjectKey,
  type FederatedKind,
  type ObjectKey,
} from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import type { Logger } from 'pino';
import type { Capture } from '../capture/capture.ts';
import type { ProjectionIndex } from '../capture/leader-view.ts';
import type { Dispatch } from '../dispatch/dispatch.ts';
import type { WatcherMetrics } from '../http/metrics.ts';
import { mapConcurrent } from './map-concurrent.ts';
import { DELETING, divergencesOf, OTHER_EPOCH, keysToConverge, reconcileJobs, resyncJobs, unknownFollowerKeys, type Divergence, type FollowerObjects } from './plan-resync.ts';
import { ResyncIncompleteError } from './resync-incomplete-error.ts';
import { createPassLock, type PassLock } from '../session/pass-lock.ts';

export interface ResyncDeps {
  readonly capture: Capture;
  readonly index: ProjectionIndex;
  readonly dispatch: Dispatch;
  readonly kinds: readonly FederatedKind[];
  readonly metrics: WatcherMetrics;
  readonly logger: Logger;
  validFollowers(): readonly string[];
  clientOf(cluster: string): ClusterClient | undefined;
  /** Whether a follower's latest result does not confirm the projection's state (then it is reconciled even if it looks equal). */
  unconfirmed(cluster: string, key: ObjectKey): boolean;
  /** @defaultValue () => Date.now() */
  now?(): number;
  /** This leadership's epoch: a copy written at another (or none) differs and is re-stamped. */
  epoch?(): number | undefined;
  /**
   * What each resynced follower was found to differ in (undefined: it could not be listed), with
   * the projection seq a reconcile was enqueued for; reported after the jobs were enqueued. For
   * every follower that could not be listed, `unlisted` holds the kinds whose listing failed and why.
   */
  onDivergences?(
    found: ReadonlyMap<string, ReadonlyMap<ObjectKey, PendingReconcile> | undefined>,
    unlisted: ReadonlyMap<string, ListingProblems>,
  ): void;
  /** Shared with the retention: a resync waits for a running retention pass (pass-lock.ts). @defaultValue a lock of its own */
  readonly passes?: PassLock;
}

/**
 * A reconcile a resync enqueued because the follower differed: the follower counts as not in sync
 * until a result at `seq` or later arrives after `sinceMs` (when the follower was listed).
 */
export interface PendingReconcile {
  readonly why: Divergence;
  readonly seq: number;
  readonly sinceMs: number;
}

/** Per kind that could not be listed on a follower, why (the error's message, secret-free like every client error). */
export type ListingProblems = ReadonlyMap<FederatedKind, string>;

/** A follower's listing: the hash of each federated copy it holds, or why some kind could not be listed. */
type Listing = { readonly objects: FollowerObjects; readonly problems?: undefined } | { readonly objects?: undefined; readonly problems: ListingProblems };

/** Followers listed at the same time during a resync; each holds one page (LIST_PAGE_SIZE objects) at a time. */
const LISTING_CONCURRENCY = 8;

export interface Resync {
  /** Requests a resync of every valid follower, or only of `clusters`. */
  request(clusters?: readonly string[]): void;
  /** Resolves when no resync is running or requested. */
  idle(): Promise<void>;
  /** Resyncs completed so far. */
  completed(): number;
  stop(): Promise<void>;
}

export function createResync(deps: ResyncDeps): Resync {
  const { capture, index, kinds, metrics } = deps;
  const logger = deps.logger.child({ component: 'resync' });
  const passes = deps.passes ?? createPassLock();
  let pendingAll = false;
  const pendingClusters = new Set<string>();
  let running: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  /** Followers a resync could not list are listed again on their own, sooner than the next full resync. */
  let relistTimer: NodeJS.Timeout | undefined;
  const toRelist = new Set<string>();
  /** Requested by the relisting alone: a failed listing there does not reconcile every object again. */
  const relistOnly = new Set<string>();
  let listingFailures = 0;
  let completed = 0;
  let stopped = false;

  async function listFollower(cluster: string, client: ClusterClient | undefined): Promise<Listing> {
    if (client === undefined) return { problems: new Map(kinds.map((kind) => [kind, `no client for cluster ${cluster}`])) };
    const epoch = deps.epoch?.();
    const objects = new Map<ObjectKey, string>();
    const problems = new Map<FederatedKind, string>();
    await Promise.all(
      kinds.map(async (kind) => {
        const info = FEDERATED_KINDS[kind];
        try {
          // Page by page: only the hashes are kept, never a whole listing (10,000 copies are ~45 MB as one response).
          for await (const page of client.listPages(info, AVI_SYSTEM_NAMESPACE)) {
            for (const item of page) {
              if (!info.singleton && !isFederatedCopy(item)) continue;
              const key = toObjectKey({ kind, namespace: AVI_SYSTEM_NAMESPACE, name: item.metadata.name });
              objects.set(key, item.metadata.deletionTimestamp !== undefined ? DELETING : epoch !== undefined && readEpoch(item) !== epoch ? OTHER_EPOCH : hashFederatedContent(item, info));
            }
          }
        } catch (err) {
          problems.set(kind, err instanceof Error ? err.message : 'the list request failed');
        }
      }),
    );
    if (problems.size === 0) return { objects };
    logger.warn({ cluster, problems: Object.fromEntries(problems) }, 'Could not list federated objects on follower; reconciling every known object there');
    return { problems };
  }

  /**
   * Returns the followers that could not be listed. A follower in `relisted` that cannot be listed
   * again gets no reconciles: the failure that made it relisted already sent every known object.
   */
  async function runOnce(clusters: readonly string[], full: boolean, relisted: ReadonlySet<string>): Promise<string[]> {
    const end = metrics.resyncDuration.startTimer();
    const leader = leaderHashes(capture);
    const projected = [...index.entries()].filter(([key]) => kinds.includes(parseObjectKey(key)?.kind as FederatedKind));
    let ok = await capture.converge(keysToConverge(leader.keys(), projected), { source: 'resync' });

    // Bounded: a listing holds one page of a follower's objects at a time and keeps only their hashes.
    const listedAtMs = (deps.now ?? Date.now)();
    const listings = await mapConcurrent(clusters, LISTING_CONCURRENCY, async (cluster) => [cluster, await listFollower(cluster, deps.clientOf(cluster))] as const);
    const followers = new Map<string, FollowerObjects | undefined>(listings.map(([cluster, listing]) => [cluster, listing.objects]));
    const listingProblems = new Map(listings.flatMap(([cluster, listing]) => (listing.problems === undefined ? [] : [[cluster, listing.problems] as const])));
    const unknown = unknownFollowerKeys(followers, leader, index);
    if (unknown.length > 0) ok = (await capture.converge(unknown, { source: 'resync' })) && ok;

    // One follower's jobs at a time (dispatch batches them further), not every follower's at once.
    const projectedKeys = index.keys(kinds);
    let jobs = 0;
    for (const cluster of clusters) {
      if (relisted.has(cluster) && followers.get(cluster) === undefined) continue;
      const clusterJobs = resyncJobs({ clusters: [cluster], leader, followers, projectedKeys, index, unconfirmed: deps.unconfirmed });
      await deps.dispatch(clusterJobs);
      jobs += clusterJobs.length;
    }
    // A deletion this resync recorded (a listed follower held an object the projection no longer
    // knew, e.g. its tombstone was pruned while that follower was away) also reaches the valid
    // followers that were not listed, once, as a watched deletion does: each records a result, so
    // the status and retention see the tombstone applied there without waiting for a full resync.
    const unlisted = deps.validFollowers().filter((cluster) => !clusters.includes(cluster));
    const tombstoneJobs = unlisted.flatMap((cluster) => reconcileJobs(cluster, unknown, index));
    if (tombstoneJobs.length > 0) await deps.dispatch(tombstoneJobs);
    jobs += tombstoneJobs.length;
    // The leader can change, and a follower apply the change, while the followers are listed: a
    // follower found holding the leader's state as it is now (or, for a deleted object, nothing)
    // does not differ, even though it differs from the state read before the listing.
    const leaderNow = leaderHashes(capture);
    const found = new Map<string, ReadonlyMap<ObjectKey, PendingReconcile> | undefined>();
    for (const [cluster, listed] of followers) {
      if (listed === undefined) {
        found.set(cluster, undefined);
        continue;
      }
      const pending = new Map<ObjectKey, PendingReconcile>();
      for (const [key, why] of divergencesOf(leader, listed)) {
        if (listed.get(key) === leaderNow.get(key)) continue;
        const seq = index.get(key)?.seq ?? 0;
        if (seq > 0) pending.set(key, { why, seq, sinceMs: listedAtMs });
      }
      found.set(cluster, pending);
    }
    deps.onDivergences?.(found, listingProblems);
    const seconds = end();
    if (!ok) throw new ResyncIncompleteError('some objects could not be recorded in the federation log');
    logger.info(
      { full, followers: clusters.length, objects: leader.size, jobs, tombstoned: unknown.length, seconds },
      full ? 'Resynced all followers' : 'Resynced followers',
    );
    return [...listingProblems.keys()];
  }

  /**
   * A follower that could not be listed got every known object reconciled, but an object only it
   * holds (e.g. one whose tombstone retention pruned while that follower was invalid) is neither
   * known nor reported: it is listed again after a back-off (1 s doubling to 30 s), not only at the
   * next full resync. A relisting that fails again sends nothing more (the first failure reconciled
   * every known object there).
   */
  function relistLater(listed: readonly string[], unlisted: readonly string[]): void {
    for (const cluster of listed) toRelist.delete(cluster);
    if (unlisted.length === 0) {
      if (toRelist.size === 0) listingFailures = 0;
      return;
    }
    for (const cluster of unlisted) toRelist.add(cluster);
    listingFailures += 1;
    const relistInMs = Math.min(30_000, 1_000 * 2 ** Math.min(listingFailures - 1, 5));
    logger.debug({ clusters: [...toRelist], relistInMs }, 'Listing the followers that could not be listed again later');
    clearTimeout(relistTimer);
    relistTimer = setTimeout(() => {
      for (const cluster of toRelist) {
        if (!pendingAll && !pendingClusters.has(cluster)) relistOnly.add(cluster);
        pendingClusters.add(cluster);
      }
      toRelist.clear();
      kick();
    }, relistInMs);
  }

  function take(): { clusters: readonly string[]; full: boolean; relisted: ReadonlySet<string> } | undefined {
    const valid = deps.validFollowers();
    if (pendingAll) {
      pendingAll = false;
      pendingClusters.clear();
      relistOnly.clear();
      return { clusters: valid, full: true, relisted: new Set() };
    }
    if (pendingClusters.size === 0) return undefined;
    const clusters = valid.filter((c) => pendingClusters.has(c));
    const relisted = new Set(clusters.filter((c) => relistOnly.has(c)));
    pendingClusters.clear();
    relistOnly.clear();
    return { clusters, full: false, relisted };
  }

  function kick(): void {
    if (running !== undefined || stopped) return;
    running = (async () => {
      for (let next = take(); next !== undefined && !stopped; next = take()) {
        if (!capture.synced()) {
          // Never treat "not listed yet" as "empty": wait; the first completed list requests a resync.
          if (next.full) pendingAll = true;
          else for (const c of next.clusters) pendingClusters.add(c);
          return;
        }
        try {
          const { clusters, full, relisted } = next;
          const unlisted = await passes.run(() => runOnce(clusters, full, relisted));
          failures = 0;
          relistLater(clusters.filter((cluster) => !unlisted.includes(cluster)), unlisted);
          completed += 1;
        } catch (err) {
          if (stopped) return;
          failures += 1;
          const retryInMs = Math.min(30_000, 500 * 2 ** Math.min(failures - 1, 6));
          logger.warn({ err, retryInMs }, 'Resync failed, retrying');
          const retry = next;
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => request(retry.full ? undefined : retry.clusters), retryInMs);
        }
      }
    })().finally(() => {
      running = undefined;
      if (!stopped && capture.synced() && (pendingAll || pendingClusters.size > 0)) kick();
    });
  }

  function request(clusters?: readonly string[]): void {
    if (clusters === undefined) pendingAll = true;
    else {
      for (const c of clusters) {
        pendingClusters.add(c);
        relistOnly.delete(c);
      }
    }
    kick();
  }

  return {
    request,
    completed: () => completed,
    async idle() {
      while (running !== undefined) await running;
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(relistTimer);
      await running;
    },
  };
}

/** The leader's current objects: content hash per key. */
function leaderHashes(capture: Capture): Map<ObjectKey, string> {
  const hashes = new Map<ObjectKey, string>();
  for (const object of capture.objects()) hashes.set(object.key, object.contentHash);
  return hashes;
}
