/**
 * Passes over the federation data that must not interleave: a resync and a retention pass. A
 * retention pass prunes a tombstone once every follower valid at that moment has applied it; a
 * follower that is invalid meanwhile is covered by the resync its return triggers, which gives an
 * object it still holds a new tombstone when the projection no longer knows it. Were the pruning to
 * land after that resync looked at the projection (it still saw the tombstone) but before the
 * follower's delete job read it, the follower would keep the object and nothing would say so. So a
 * resync waits for a running retention pass, and a retention pass is skipped while a resync runs or
 * waits (it runs at the next tick).
 */
export interface PassLock {
  /** Runs `pass` once the passes queued before it have ended. */
  run<T>(pass: () => Promise<T>): Promise<T>;
  /** Runs `pass` now when no pass runs or waits; otherwise does nothing and returns undefined. */
  tryRun<T>(pass: () => Promise<T>): Promise<T> | undefined;
}

export function createPassLock(): PassLock {
  let tail: Promise<unknown> = Promise.resolve();
  let queued = 0;
  const run = <T>(pass: () => Promise<T>): Promise<T> => {
    queued += 1;
    const result = tail.then(pass);
    tail = result.catch(() => undefined);
    return result.finally(() => {
      queued -= 1;
    });
  };
  return {
    run,
    tryRun: (pass) => (queued > 0 ? undefined : run(pass)),
  };
}
