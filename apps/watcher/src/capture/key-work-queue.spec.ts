import { describe, expect, it } from 'vitest';
import { createKeyWorkQueue } from './key-work-queue.ts';

interface Gate {
  promise: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('key work queue', () => {
  describe('when a key is marked again before it starts', () => {
    it('processes it once with merged options', async () => {
      const seen: string[] = [];
      const blocker = gate();
      const queue = createKeyWorkQueue<string, string[]>({
        concurrency: 1,
        process: async (key, options) => {
          if (key === 'block') await blocker.promise;
          seen.push(`${key}:${options.join('+')}`);
        },
        merge: (a, b) => [...a, ...b],
        onError: () => undefined,
      });
      const blocked = queue.mark('block', ['x']);
      const first = queue.mark('a', ['watch']);
      const second = queue.mark('a', ['resync']);
      blocker.open();
      expect(await Promise.all([blocked, first, second])).toEqual([true, true, true]);
      expect(seen).toEqual(['block:x', 'a:watch+resync']);
    });
  });

  describe('when a round fails and the key is marked again before its retry', () => {
    it('runs the new mark with the failed round\'s options merged in', async () => {
      const seen: string[] = [];
      let failOnce = true;
      const queue = createKeyWorkQueue<string, string[]>({
        concurrency: 1,
        process: async (key, options) => {
          seen.push(`${key}:${options.join('+')}`);
          if (failOnce) {
            failOnce = false;
            throw new Error('Redis is failing over');
          }
        },
        merge: (a, b) => [...new Set([...a, ...b])],
        onError: () => undefined,
        backoff: { baseMs: 60_000, capMs: 60_000 },
      });
      expect(await queue.mark('a', ['watch'])).toBe(false);
      expect(await queue.mark('a', ['resync'])).toBe(true);
      expect(seen).toEqual(['a:watch', 'a:watch+resync']);
      await queue.stop();
    });

    it('gives the failed round\'s options to a mark that arrived while it ran', async () => {
      const seen: string[] = [];
      const blocker = gate();
      let calls = 0;
      const queue = createKeyWorkQueue<string, string[]>({
        concurrency: 1,
        process: async (key, options) => {
          calls += 1;
          seen.push(`${key}:${options.join('+')}`);
          if (calls === 1) {
            await blocker.promise;
            throw new Error('Redis is failing over');
          }
        },
        merge: (a, b) => [...new Set([...a, ...b])],
        onError: () => undefined,
        backoff: { baseMs: 60_000, capMs: 60_000 },
      });
      const first = queue.mark('a', ['watch']);
      await new Promise((resolve) => setImmediate(resolve));
      const second = queue.mark('a', ['resync']);
      blocker.open();
      expect(await Promise.all([first, second])).toEqual([false, true]);
      expect(seen).toEqual(['a:watch', 'a:watch+resync']);
      await queue.stop();
    });
  });

  describe('when a key is marked while it is being processed', () => {
    it('never runs it twice at once and runs it again afterwards', async () => {
      let running = 0;
      let maxRunning = 0;
      const blocker = gate();
      let calls = 0;
      const queue = createKeyWorkQueue<string, null>({
        concurrency: 4,
        process: async () => {
          calls += 1;
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          if (calls === 1) await blocker.promise;
          running -= 1;
        },
        merge: () => null,
        onError: () => undefined,
      });
      const first = queue.mark('a', null);
      await new Promise((resolve) => setImmediate(resolve));
      const second = queue.mark('a', null);
      blocker.open();
      await Promise.all([first, second]);
      expect({ calls, maxRunning }).toEqual({ calls: 2, maxRunning: 1 });
    });
  });

  describe('when processing fails', () => {
    it('reports the failure to the marker and retries with backoff until it succeeds', async () => {
      let attempts = 0;
      const errors: number[] = [];
      const done = gate();
      const queue = createKeyWorkQueue<string, null>({
        concurrency: 1,
        process: async () => {
          attempts += 1;
          if (attempts < 3) throw new Error('redis down');
          done.open();
        },
        merge: () => null,
        onError: (_key, _err, retryInMs) => errors.push(retryInMs),
        backoff: { baseMs: 5, capMs: 8 },
      });
      expect(await queue.mark('a', null)).toBe(false);
      await done.promise;
      expect(attempts).toBe(3);
      expect(errors).toEqual([5, 8]);
      await queue.stop();
    });
  });

  describe('when stopped', () => {
    it('resolves waiting marks with false and accepts no more', async () => {
      const blocker = gate();
      const queue = createKeyWorkQueue<string, null>({
        concurrency: 1,
        process: () => blocker.promise,
        merge: () => null,
        onError: () => undefined,
      });
      const running = queue.mark('a', null);
      const waiting = queue.mark('b', null);
      const stopping = queue.stop();
      expect(await waiting).toBe(false);
      blocker.open();
      await stopping;
      expect(await running).toBe(true);
      expect(await queue.mark('c', null)).toBe(false);
    });
  });
});
