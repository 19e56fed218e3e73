/**
 * When followers hold every object: the emulated followers run in this process, so their stores
 * are subscribed to directly (as baselines/arrivals.ts does for single writes) and the moment the
 * last copy lands is known without polling. Counts the objects of one resource in avi-system.
 */
import type { EmulatedCluster, StoreEvent } from '@amko-fed/kube-emulator';

export interface Copies {
  /** Objects a follower holds now. */
  held(cluster: string): number;
  /**
   * Resolves with `performance.now()` at the moment every one of `clusters` holds at least `count`
   * objects (at once when they already do), or undefined after `timeoutMs`.
   */
  until(clusters: readonly string[], count: number, timeoutMs: number): Promise<number | undefined>;
  stop(): void;
}

interface Waiter {
  readonly clusters: readonly string[];
  readonly count: number;
  done(at: number | undefined): void;
}

export function watchCopies(clusters: readonly EmulatedCluster[], resource: string, namespace: string): Copies {
  const names = new Map<string, Set<string>>(clusters.map((c) => [c.name, new Set(c.store.list(resource, namespace).map((o) => o.metadata.name ?? ''))]));
  const waiters = new Set<Waiter>();
  const held = (cluster: string): number => names.get(cluster)?.size ?? 0;
  const satisfied = (w: Waiter): boolean => w.clusters.every((c) => held(c) >= w.count);
  const unsubscribe = clusters.map((cluster) =>
    cluster.store.subscribe({
      resource,
      onEvent(event: StoreEvent) {
        if (event.namespace !== namespace) return;
        const set = names.get(cluster.name);
        const name = event.object.metadata.name ?? '';
        if (event.type === 'DELETED') set?.delete(name);
        else set?.add(name);
        for (const waiter of waiters) if (waiter.clusters.includes(cluster.name) && satisfied(waiter)) waiter.done(performance.now());
      },
    }),
  );
  return {
    held,
    until(wanted, count, timeoutMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => waiter.done(undefined), timeoutMs);
        const waiter: Waiter = {
          clusters: wanted,
          count,
          done(at) {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(at);
          },
        };
        if (satisfied(waiter)) waiter.done(performance.now());
        else waiters.add(waiter);
      });
    },
    stop() {
      for (const off of unsubscribe) off();
      for (const waiter of [...waiters]) waiter.done(undefined);
    },
  };
}
