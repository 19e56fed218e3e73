/**
 * When a write reached the followers, measured the same way for every system: the emulated
 * followers run in this process, so their stores are subscribed to directly and a write counts as
 * applied the moment a follower's store holds the GSLBConfig with the awaited
 * `spec.refreshInterval` (no polling, no extra request, nothing a system could be faster or slower
 * to report). The stores outlive a follower's stop and start.
 */
import type { EmulatedCluster, StoreEvent } from '@amko-fed/kube-emulator';

const GSLB_CONFIGS = 'amko.vmware.com/gslbconfigs';

export interface Arrivals {
  /**
   * Resolves with `performance.now()` at the moment every one of `clusters` holds `namespace/name`
   * with `spec.refreshInterval === value` (at once when they already do), or undefined after
   * `timeoutMs`.
   */
  until(namespace: string, name: string, value: number, clusters: readonly string[], timeoutMs: number): Promise<number | undefined>;
  stop(): void;
}

interface Waiter {
  readonly value: number;
  readonly remaining: Set<string>;
  done(at: number | undefined): void;
}

const refreshIntervalOf = (object: object | undefined): unknown => ((object as { spec?: unknown } | undefined)?.spec as { refreshInterval?: unknown } | undefined)?.refreshInterval;

export function watchArrivals(clusters: readonly EmulatedCluster[]): Arrivals {
  const waiters = new Map<string, Set<Waiter>>();
  const unsubscribe = clusters.map((cluster) =>
    cluster.store.subscribe({
      resource: GSLB_CONFIGS,
      onEvent(event: StoreEvent) {
        if (event.type === 'DELETED') return;
        const set = waiters.get(`${event.namespace}/${event.object.metadata.name ?? ''}`);
        if (set === undefined) return;
        const value = refreshIntervalOf(event.object);
        for (const waiter of set) {
          if (waiter.value === value && waiter.remaining.delete(cluster.name) && waiter.remaining.size === 0) waiter.done(performance.now());
        }
      },
    }),
  );
  return {
    until(namespace, name, value, names, timeoutMs) {
      const key = `${namespace}/${name}`;
      const remaining = new Set(names.filter((n) => refreshIntervalOf(clusters.find((c) => c.name === n)?.store.get(GSLB_CONFIGS, namespace, name)) !== value));
      if (remaining.size === 0) return Promise.resolve(performance.now());
      return new Promise((resolve) => {
        const set = waiters.get(key) ?? new Set<Waiter>();
        waiters.set(key, set);
        const timer = setTimeout(() => waiter.done(undefined), timeoutMs);
        const waiter: Waiter = {
          value,
          remaining,
          done(at) {
            clearTimeout(timer);
            set.delete(waiter);
            if (set.size === 0) waiters.delete(key);
            resolve(at);
          },
        };
        set.add(waiter);
      });
    },
    stop() {
      for (const off of unsubscribe) off();
    },
  };
}
