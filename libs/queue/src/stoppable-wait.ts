/** A timed wait that `end()` cuts short (a follower's stop must not sit out its wait). */
export interface StoppableWait {
  /** Resolves after `ms`, or at once when `end()` is called meanwhile. */
  wait(ms: number): Promise<void>;
  /** Ends the current wait, if any. */
  end(): void;
}

export function createStoppableWait(): StoppableWait {
  let ending: (() => void) | undefined;
  return {
    wait: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          ending = undefined;
          resolve();
        }, ms);
        ending = () => {
          clearTimeout(timer);
          ending = undefined;
          resolve();
        };
      }),
    end: () => ending?.(),
  };
}
