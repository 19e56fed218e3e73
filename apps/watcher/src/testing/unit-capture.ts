/**
 * A `Capture` without informers, for unit tests of what uses one (resync): the leader's objects are
 * put into the real leader view by the test, and converging keys runs the real key sync through
 * the real key work queue exactly as capture.ts does (the leader's current object or its absence,
 * with the resourceVersion of an unrecorded deletion). `synced()` is the test's to set, as the
 * informers' first complete list would.
 */
import type { ObjectKey } from '@amko-fed/domain';
import type { Capture, ConvergeOptions } from '../capture/capture.ts';
import { createKeyWorkQueue } from '../capture/key-work-queue.ts';
import type { KeySync } from '../capture/key-sync.ts';
import type { LeaderObject } from '../capture/leader-object.ts';
import type { LeaderObjects } from '../capture/leader-view.ts';

export interface UnitCapture extends Capture {
  /** The leader has `object` now (as an informer's add or update would report it). */
  put(object: LeaderObject): void;
  /** The leader deleted `key` (as an informer's delete would report it). */
  remove(key: ObjectKey, resourceVersion?: string): void;
  /** Whether every informer has listed (default true). */
  setSynced(synced: boolean): void;
}

export function createUnitCapture(deps: { readonly view: LeaderObjects; readonly sync: KeySync }): UnitCapture {
  const { view, sync } = deps;
  let synced = true;
  const queue = createKeyWorkQueue<ObjectKey, ConvergeOptions>({
    concurrency: 4,
    process: async (key, converge) => {
      const current = view.leader(key);
      await sync.converge(key, current, { ...converge, deletedResourceVersion: view.deletedVersion(key) });
      if (current === undefined) view.forgetDeletion(key);
    },
    merge: (a, b) => ({ source: a.source === 'watch' || b.source === 'watch' ? 'watch' : 'resync' }),
    onError: () => undefined,
  });

  return {
    put: (object) => void view.setLeader(object),
    remove: (key, resourceVersion) => void view.deleteLeader(key, resourceVersion),
    setSynced(next) {
      synced = next;
    },
    start: async () => undefined,
    stop: () => queue.stop(),
    synced: () => synced,
    objects: () => view.leaders(),
    async converge(keys, converge) {
      const results = await Promise.all([...keys].map((key) => queue.mark(key, converge)));
      return results.every(Boolean);
    },
    leaderProblems: () => new Map(),
    informerHealth: () => [],
  };
}
