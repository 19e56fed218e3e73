/**
 * Waits for an asynchronous effect in a unit test: runs `check` until it neither throws nor returns
 * `false` (so `expect(…)` checks and boolean conditions both wait), yielding to the event loop
 * (1 ms) between tries, and fails with the last error once `deadlineMs` has passed. A functional
 * deadline, generous on purpose: a test never asserts how fast something is.
 */
export async function until<T>(check: () => T | Promise<T>, deadlineMs = 10_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const result = await check();
      if (result === false) throw new Error(`until: ${String(check)} is still false`);
      return result;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}
