/** Collects the events of a client-node `Watch` for assertions. */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { eventually } from './clients.ts';

export interface WatchedEvent {
  readonly type: string;
  readonly object: { kind?: string; code?: number; reason?: string; metadata?: { name?: string; resourceVersion?: string; labels?: Record<string, string> } };
}

export interface CollectedWatch {
  readonly events: WatchedEvent[];
  /** Settles when the stream ends (with the error, if any). */
  readonly done: Promise<unknown>;
  stop(): void;
  /** Waits until `count` events match `predicate` and returns them. */
  waitFor(predicate: (e: WatchedEvent) => boolean, count?: number): Promise<WatchedEvent[]>;
}

export async function collectWatch(kc: KubeConfig, path: string, params: Record<string, string | number | boolean | undefined>): Promise<CollectedWatch> {
  const events: WatchedEvent[] = [];
  let resolveDone: (err: unknown) => void = () => undefined;
  const done = new Promise<unknown>((resolve) => (resolveDone = resolve));
  const controller = await new Watch(kc).watch(
    path,
    params,
    (type, object) => events.push({ type, object: object as WatchedEvent['object'] }),
    (err) => resolveDone(err),
  );
  return {
    events,
    done,
    stop: () => controller.abort(),
    waitFor: (predicate, count = 1) =>
      eventually(() => {
        const matching = events.filter(predicate);
        if (matching.length < count) throw new Error(`waiting for ${count} matching events, have ${matching.length}: ${JSON.stringify(events.map((e) => [e.type, e.object.metadata?.name]))}`);
        return matching;
      }),
  };
}
