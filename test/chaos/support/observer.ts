/**
 * Regression detection: subscribes to every change of the federated kinds in each follower's
 * emulated store (the emulator runs in this process, so no write a follower accepts is missed,
 * however short-lived) and records every time an object's counter goes below the highest value the
 * follower held for it since it was last deleted. A delete then re-create is not a regression (the
 * leader may re-create an object with any value); an older value replacing a newer one is.
 */
import type { EmulatedCluster } from '@amko-fed/kube-emulator';
import { AVI_SYSTEM } from '@amko-fed/testing';
import { CHAOS_KINDS, counterOf, objectId } from './objects.ts';

export interface Regression {
  readonly follower: string;
  /** `kind/name`. */
  readonly object: string;
  /** The highest value the follower held before. */
  readonly from: number;
  /** The older value it moved back to. */
  readonly to: number;
  /** Milliseconds since the observer started. */
  readonly atMs: number;
}

export interface RegressionObserver {
  readonly regressions: readonly Regression[];
  /** Changes seen on followers so far (to tell "no regression" from "nothing observed"). */
  readonly changes: number;
  close(): void;
}

export function observeFollowers(followers: readonly EmulatedCluster[]): RegressionObserver {
  const started = performance.now();
  const regressions: Regression[] = [];
  const unsubscribe: (() => void)[] = [];
  let changes = 0;
  for (const follower of followers) {
    const highest = new Map<string, number>();
    for (const kind of CHAOS_KINDS) {
      unsubscribe.push(
        follower.store.subscribe({
          resource: kind.storageKey,
          onEvent(event) {
            if (event.namespace !== AVI_SYSTEM) return;
            const name = event.object.metadata.name ?? '';
            const id = objectId(kind, name);
            changes += 1;
            if (event.type === 'DELETED') {
              highest.delete(id);
              return;
            }
            const value = counterOf(kind, event.object);
            if (value === undefined) return;
            const before = highest.get(id);
            if (before !== undefined && value < before) {
              regressions.push({ follower: follower.name, object: id, from: before, to: value, atMs: performance.now() - started });
              return;
            }
            highest.set(id, value);
          },
        }),
      );
    }
  }
  return {
    regressions,
    get changes() {
      return changes;
    },
    close() {
      for (const stop of unsubscribe) stop();
    },
  };
}
