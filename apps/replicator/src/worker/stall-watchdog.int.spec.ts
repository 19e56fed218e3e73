/**
 * The stall watchdog with real BullMQ and Redis: the worker's Redis connections go through a proxy
 * that freezes the blocking connection (open, nothing forwarded) and, for a while, every new
 * connection too. BullMQ's own blocking-command watchdog resets the connection; the reconnect lands
 * on a frozen socket, TCP connects but the ready check is never answered, and ioredis waits for it
 * forever (no timeout after connect): the worker stays "running" and takes no job again, even after
 * the path heals (the wedge of BullMQ #3088/#4138/#4378). The stall watchdog must replace it, and a
 * job the wedged worker held active must be recovered, not dropped.
 */
import { createRedisConnection, followerQueueName } from '@amko-fed/queue';
import { eventually, isolatedPrefix, startFreezingProxy, type FreezingProxy } from '@amko-fed/testing';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it, onTestFailed } from 'vitest';
import { createFollowerWorker, watchableWorker, type WatchableFollowerWorker } from './follower-worker.ts';
import { watchForStalls, type StallWatchdog } from './stall-watchdog.ts';
import type { StallReason } from './worker-stall.ts';

const CLUSTER = 'follower-wedged';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  cleanups.length = 0;
});

interface Setup {
  readonly proxy: FreezingProxy;
  readonly queue: Queue;
  readonly watchdog: StallWatchdog<WatchableFollowerWorker>;
  readonly restarts: StallReason[];
  readonly stalled: string[];
  /** The proxy's connection count once the shared worker connection is up (connections after it are BullMQ's). */
  readonly mark: number;
  readonly logs: () => string;
}

/** `process` gets each job's name (carried in its data: the worker sees only id and data). */
async function setup(process: (name: string) => Promise<void>): Promise<Setup> {
  const target = new URL(inject('redisUrl'));
  const prefix = isolatedPrefix('stall');
  const proxy = await startFreezingProxy({ host: target.hostname, port: Number(target.port) });
  cleanups.push(() => proxy.close());
  const direct = createRedisConnection(inject('redisUrl'), { role: 'client' });
  cleanups.push(() => direct.quit());
  const queue = new Queue(followerQueueName(CLUSTER), { connection: direct, prefix });
  cleanups.push(() => queue.close());
  const viaProxy = createRedisConnection(`redis://${proxy.host}:${proxy.port}`, { role: 'worker' });
  cleanups.push(async () => viaProxy.disconnect());
  await viaProxy.ping();
  const mark = proxy.connectionsSoFar();
  const restarts: StallReason[] = [];
  const stalled: string[] = [];
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  const watchdog = watchForStalls({
    cluster: CLUSTER,
    start: () =>
      watchableWorker(
        createFollowerWorker({
          cluster: CLUSTER,
          connection: viaProxy,
          prefix,
          concurrency: 2,
          retryBaseMs: 100,
          retryCapMs: 1_000,
          process: async (job) => {
            await process(String((job.data as { name?: unknown }).name));
            return { outcome: 'noop', seq: 0 };
          },
          onError: () => undefined,
          onStalled: (jobId) => stalled.push(jobId),
          name: 'stall-test',
        }),
      ),
    observe: async () => {
      const [counts, paused] = await Promise.all([queue.getJobCounts('wait', 'prioritized'), queue.isPaused()]);
      return { runnable: (counts['wait'] ?? 0) + (counts['prioritized'] ?? 0), paused, storeHealthy: (await direct.ping()) === 'PONG' };
    },
    timeoutMs: 3_000,
    checkIntervalMs: 250,
    onRestart: (reason) => restarts.push(reason),
    logger,
  });
  cleanups.push(async () => {
    const worker = await watchdog.stop();
    await worker.forceClose();
  });
  onTestFailed(() => {
    console.error(`watchdog log:\n${lines.join('')}restarts: ${restarts.join(', ')}; stalled: ${stalled.join(', ')}`);
  });
  return { proxy, queue, watchdog, restarts, stalled, mark, logs: () => lines.join('') };
}

let frozenAt = 0;

/**
 * Waits until the worker is parked in BZPOPMIN (Redis flags its blocking connection `b`). Right
 * after a job the worker still runs one more round (the marker its own moveToActive left wakes
 * BZPOPMIN at once, then moveToActive on the shared connection): a wedge in that round would let
 * the wedged worker take the next job over the shared connection, and no stall would happen.
 */
async function parked(s: Setup): Promise<void> {
  await eventually(() => s.watchdog.current().blockingStatus(), (status) => status === 'ready', 30_000, 'the blocking connection ready');
  await eventually(
    async () => (await s.queue.getWorkers()).some((client) => client['cmd'] === 'bzpopmin' && (client['flags'] ?? '').includes('b')),
    (blocked) => blocked,
    30_000,
    'the worker parked in BZPOPMIN',
  );
}

/** Freezes the worker's blocking connection and every connection opened from now on. */
async function wedge(s: Setup): Promise<void> {
  s.proxy.freezeNew(true);
  frozenAt = s.proxy.connectionsSoFar();
  expect(s.proxy.freezeOpenedAfter(s.mark)).toBeGreaterThan(0);
}

/** Once a reconnect has landed on a frozen socket, lets new connections through again. */
async function healAfterReconnect(s: Setup): Promise<void> {
  await eventually(() => s.proxy.connectionsSoFar(), (n) => n > frozenAt, 60_000, 'a reconnect into the frozen path');
  s.proxy.freezeNew(false);
}

describe('watchForStalls', () => {
  describe("when the worker's blocking connection freezes while it waits for jobs", () => {
    it('replaces the worker and the jobs enqueued afterwards are processed once each', async () => {
      const processed: string[] = [];
      const s = await setup(async (name) => {
        processed.push(name);
      });
      await s.queue.add('before', { name: 'before' });
      await eventually(() => processed, (p) => p.includes('before'), 60_000, 'the first job processed');
      await parked(s);

      await wedge(s);
      for (const name of ['after-1', 'after-2', 'after-3']) await s.queue.add(name, { name });
      await healAfterReconnect(s);

      await eventually(() => processed, (p) => ['after-1', 'after-2', 'after-3'].every((n) => p.includes(n)), 90_000, 'the later jobs processed');
      expect(s.restarts.length).toBeGreaterThan(0);
      expect(s.logs()).toContain('Worker stopped taking jobs; replacing it');
      expect(s.logs()).toContain(CLUSTER);
      expect([...processed].sort()).toEqual(['after-1', 'after-2', 'after-3', 'before']);
    }, 120_000);
  });

  describe('when the wedged worker held a job active', () => {
    it('the job is recovered as stalled and processed by the new worker', async () => {
      const attempts: string[] = [];
      let releaseFirst: () => void = () => undefined;
      const firstHeld = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      cleanups.push(async () => releaseFirst());
      const s = await setup(async (name) => {
        attempts.push(name);
        if (name === 'held' && attempts.filter((n) => n === 'held').length === 1) await firstHeld;
      });
      const held = await s.queue.add('held', { name: 'held' });
      await eventually(() => attempts, (a) => a.includes('held'), 60_000, 'the held job active');
      await parked(s);

      await wedge(s);
      await s.queue.add('next', { name: 'next' });
      await healAfterReconnect(s);

      await eventually(async () => (await s.queue.getJobCounts('completed'))['completed'], (n) => n === 2, 90_000, 'both jobs completed');
      expect(s.restarts.length).toBeGreaterThan(0);
      expect(attempts.filter((n) => n === 'held')).toHaveLength(2);
      expect(s.stalled).toContain(held.id);
    }, 120_000);
  });
});
