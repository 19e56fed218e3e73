/**
 * A keyed work queue in the style of client-go's workqueue: marking a key "dirty" schedules one
 * processing of it; marks that arrive before it starts coalesce; a key is never processed twice at
 * once (a mark during processing runs it again afterwards), so per-key order is kept while
 * different keys run concurrently. Failures are retried with capped backoff; the failed round's
 * options are owed until a round with them succeeds, so a mark that comes before the retry (and
 * runs at once) is merged with them rather than taking their place.
 */

export interface KeyWorkQueueOptions<K, O> {
  readonly concurrency: number;
  /** Converges one key; a rejection counts as a failure of this round. */
  process(key: K, options: O): Promise<void>;
  /** Combines the options of coalesced marks. */
  merge(a: O, b: O): O;
  /** Told about every failure; the key is retried after `retryInMs`. */
  onError(key: K, error: unknown, retryInMs: number): void;
  /** Retry backoff. @defaultValue { baseMs: 200, capMs: 5000 } */
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
}

export interface KeyWorkQueue<K, O> {
  /**
   * Marks `key` dirty. Resolves true once a processing that started after this mark succeeded,
   * false when that processing failed (a retry is scheduled) or the queue stopped.
   */
  mark(key: K, options: O): Promise<boolean>;
  /** Keys waiting or running. */
  size(): number;
  /** Stops: nothing new starts; resolves after the running ones finish. */
  stop(): Promise<void>;
}

interface Pending<O> {
  options: O;
  waiters: ((ok: boolean) => void)[];
}

export function createKeyWorkQueue<K, O>(options: KeyWorkQueueOptions<K, O>): KeyWorkQueue<K, O> {
  const backoff = options.backoff ?? { baseMs: 200, capMs: 5_000 };
  const pending = new Map<K, Pending<O>>();
  const ready: K[] = [];
  const active = new Set<K>();
  const failures = new Map<K, number>();
  const retryTimers = new Map<K, NodeJS.Timeout>();
  /** Options of failed rounds not yet run again: the next round of the key takes them. */
  const owed = new Map<K, O>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  function pump(): void {
    while (!stopped && active.size < options.concurrency && ready.length > 0) {
      const key = ready.shift() as K;
      const item = pending.get(key);
      if (item === undefined || active.has(key)) continue;
      pending.delete(key);
      active.add(key);
      const run = runOne(key, item).finally(() => {
        running.delete(run);
        active.delete(key);
        if (pending.has(key)) ready.push(key);
        pump();
      });
      running.add(run);
    }
  }

  async function runOne(key: K, item: Pending<O>): Promise<void> {
    let ok = false;
    try {
      await options.process(key, item.options);
      ok = true;
      failures.delete(key);
    } catch (error) {
      const attempt = (failures.get(key) ?? 0) + 1;
      failures.set(key, attempt);
      const retryInMs = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(attempt - 1, 16));
      options.onError(key, error, retryInMs);
      // A mark that came during the round runs next and carries the failed round's options. Else
      // they are owed to the next mark (every round starts from a mark, which takes what is owed).
      const next = pending.get(key);
      if (next !== undefined) next.options = options.merge(item.options, next.options);
      else owed.set(key, item.options);
      if (!stopped && !retryTimers.has(key)) {
        retryTimers.set(
          key,
          setTimeout(() => {
            retryTimers.delete(key);
            const retry = owed.get(key);
            if (retry !== undefined) void mark(key, retry);
          }, retryInMs),
        );
      }
    }
    for (const resolve of item.waiters) resolve(ok);
  }

  function mark(key: K, marked: O): Promise<boolean> {
    if (stopped) return Promise.resolve(false);
    const retry = owed.get(key);
    owed.delete(key);
    const markOptions = retry === undefined ? marked : options.merge(retry, marked);
    return new Promise<boolean>((resolve) => {
      const item = pending.get(key);
      if (item === undefined) {
        pending.set(key, { options: markOptions, waiters: [resolve] });
        if (!active.has(key)) ready.push(key);
      } else {
        item.options = options.merge(item.options, markOptions);
        item.waiters.push(resolve);
      }
      pump();
    });
  }

  return {
    mark,
    size: () => pending.size + active.size,
    async stop() {
      stopped = true;
      for (const timer of retryTimers.values()) clearTimeout(timer);
      retryTimers.clear();
      owed.clear();
      for (const item of pending.values()) for (const resolve of item.waiters) resolve(false);
      pending.clear();
      ready.length = 0;
      await Promise.all([...running]);
    },
  };
}
