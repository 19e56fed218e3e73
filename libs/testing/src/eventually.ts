/**
 * Waiting for asynchronous effects in tests: functional deadlines, never timing assertions.
 */

/** Polls `read` until `done(value)` holds and returns that value; after `timeoutMs` throws with the last value. */
export async function eventually<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  what = 'condition',
  intervalMs = 25,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`${what} not reached within ${timeoutMs} ms; last value ${JSON.stringify(value)?.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Retries `check` until it stops throwing and returns its value; after `timeoutMs` rethrows its last error. */
export async function eventuallyPasses<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
