import { describe, expect, it } from 'vitest';
import { createPassLock } from './pass-lock.ts';

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('pass lock', () => {
  it('runs passes one after another, in the order they were asked for', async () => {
    const lock = createPassLock();
    const order: string[] = [];
    const gate = deferred();
    const first = lock.run(async () => {
      order.push('first starts');
      await gate.promise;
      order.push('first ends');
      return 1;
    });
    const second = lock.run(async () => {
      order.push('second starts');
      return 2;
    });
    await Promise.resolve();
    expect(order).toEqual(['first starts']);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(order).toEqual(['first starts', 'first ends', 'second starts']);
  });

  it('skips a tryRun while a pass runs or waits, and runs it once none does', async () => {
    const lock = createPassLock();
    const gate = deferred();
    const running = lock.run(() => gate.promise);
    const waiting = lock.run(async () => undefined);
    let ran = false;
    expect(lock.tryRun(async () => (ran = true))).toBeUndefined();
    gate.resolve();
    await Promise.all([running, waiting]);
    expect(await lock.tryRun(async () => (ran = true))).toBe(true);
    expect(ran).toBe(true);
  });

  it('goes on after a pass that failed, which fails its own caller only', async () => {
    const lock = createPassLock();
    const failing = lock.run(async () => {
      throw new Error('listing failed');
    });
    const next = lock.run(async () => 'next');
    await expect(failing).rejects.toThrow('listing failed');
    expect(await next).toBe('next');
  });
});
