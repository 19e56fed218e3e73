import { decodeJob, type ObjectKey, type ReplicationJob } from '@amko-fed/domain';
import { isolatedPrefix } from '@amko-fed/testing';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { deferred, eventually, redisFixture } from '../test/redis-fixture.ts';
import { cappedJitterBackoffStrategy } from './backoff.ts';
import { followerJobOptions } from './follower-job-options.ts';
import { createFollowerQueues } from './follower-queues.ts';
import { followerQueueName } from './names.ts';

const fixture = redisFixture(isolatedPrefix('fq'));
const client = fixture.connect('client');
const workerConnection = fixture.connect('worker');
const errors: unknown[] = [];
const queues = createFollowerQueues({
  connection: client,
  prefix: fixture.prefix,
  defaultJobOptions: followerJobOptions({ attempts: 1 }),
  onError: (error) => errors.push(error),
});
const workers: Worker[] = [];

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await queues.close();
  await fixture.close();
});

type Processor = (job: ReplicationJob, raw: Job) => Promise<void>;

function startWorker(cluster: string, process: Processor, concurrency = 4): Worker {
  const worker = new Worker(
    followerQueueName(cluster),
    async (raw: Job) => {
      const decoded = decodeJob(raw.data);
      if (!decoded.ok) throw new UnrecoverableError(decoded.error.message);
      await process(decoded.job, raw);
    },
    {
      connection: workerConnection,
      prefix: fixture.prefix,
      concurrency,
      settings: { backoffStrategy: cappedJitterBackoffStrategy({ baseMs: 10, capMs: 50 }) },
    },
  );
  worker.on('error', (error) => errors.push(error));
  workers.push(worker);
  return worker;
}

const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/gdp-1' as ObjectKey;
const ghr = 'GSLBHostRule/avi-system/ghr-1' as ObjectKey;

describe('follower queues', () => {
  describe('when a burst arrives while a job of the same object is active', () => {
    it('keeps at most one active and one waiting job, and the latest seq wins', async () => {
      const cluster = 'burst';
      const gate = deferred();
      const processed: number[] = [];
      startWorker(cluster, async (job) => {
        processed.push(job.seq);
        if (job.seq === 0) await gate.promise;
      });

      await queues.enqueue({ cluster, objectKey: gc, seq: 0 });
      await eventually(() => processed.length, (n) => n === 1);

      for (let seq = 1; seq <= 100; seq += 1) {
        await queues.enqueue({ cluster, objectKey: gc, seq });
        const counts = await queues.counts(cluster);
        expect(counts.active).toBeLessThanOrEqual(1);
        expect(counts.waiting + counts.delayed + counts.prioritized).toBeLessThanOrEqual(1);
      }
      expect((await queues.counts(cluster)).active).toBe(1);

      gate.resolve();
      const drained = await eventually(
        () => queues.counts(cluster),
        (c) => c.active + c.waiting + c.delayed + c.prioritized === 0 && c.completed === 2,
      );
      expect(drained.completed).toBe(2);
      expect(processed).toEqual([0, 100]);
    });
  });

  describe('when a burst arrives while the job is still waiting', () => {
    it('coalesces it into the one waiting job', async () => {
      const cluster = 'coalesce';
      const ids = new Set<string>();
      for (let seq = 1; seq <= 100; seq += 1) ids.add((await queues.enqueue({ cluster, objectKey: gc, seq })).jobId);
      expect(ids.size).toBe(1);
      expect((await queues.counts(cluster)).waiting).toBe(1);
      // A different object is not deduplicated with it.
      await queues.enqueue({ cluster, objectKey: gdp, seq: 1 });
      expect((await queues.counts(cluster)).waiting).toBe(2);
    });
  });

  describe('when enqueueing many jobs at once', () => {
    it('adds them per follower with deduplication and returns ids in input order', async () => {
      const results = await queues.enqueueMany([
        { cluster: 'many-a', objectKey: gc, seq: 1 },
        { cluster: 'many-b', objectKey: gc, seq: 1 },
        { cluster: 'many-a', objectKey: gdp, seq: 2 },
        { cluster: 'many-a', objectKey: gc, seq: 3 },
      ]);
      expect(results).toHaveLength(4);
      expect(results[3]?.jobId).toBe(results[0]?.jobId);
      expect(results[2]?.jobId).not.toBe(results[0]?.jobId);
      expect((await queues.counts('many-a')).waiting).toBe(2);
      expect((await queues.counts('many-b')).waiting).toBe(1);
      expect(queues.queues().map((q) => q.name)).toEqual(expect.arrayContaining(['follower.many-a', 'follower.many-b']));
    });

    it('rejects the whole batch when one job is invalid', async () => {
      await expect(
        queues.enqueueMany([
          { cluster: 'many-c', objectKey: gc, seq: 1 },
          { cluster: 'many-c', objectKey: gc, seq: -1 },
        ]),
      ).rejects.toMatchObject({ code: 'INVALID_JOB_PAYLOAD' });
      expect((await queues.counts('many-c')).waiting).toBe(0);
    });
  });

  describe('when a follower queue is paused', () => {
    it('holds its jobs until resumed', async () => {
      const cluster = 'paused';
      const processed: ObjectKey[] = [];
      await queues.pause(cluster);
      startWorker(cluster, async (job) => {
        processed.push(job.objectKey);
      });
      await queues.enqueue({ cluster, objectKey: gc, seq: 1 });
      expect(await queues.isPaused(cluster)).toBe(true);
      expect((await queues.counts(cluster)).waiting).toBe(1);
      expect(processed).toEqual([]);

      await queues.resume(cluster);
      expect(await queues.isPaused(cluster)).toBe(false);
      await eventually(() => processed.length, (n) => n === 1);
      expect(processed).toEqual([gc]);
    });
  });

  describe('when jobs failed', () => {
    it('lists them and re-drives only the selected ones', async () => {
      const cluster = 'failing';
      let failing = true;
      const succeeded: ReplicationJob[] = [];
      startWorker(cluster, async (job) => {
        if (failing) throw new Error(`apply of ${job.objectKey} failed`);
        succeeded.push(job);
      });

      await queues.enqueueMany([gc, gdp, ghr].map((objectKey) => ({ cluster, objectKey, seq: 1 })));
      // A payload that no codec accepts: terminal, never re-driven.
      await queues.queue(cluster).add('replicate', { cluster, objectKey: 'Secret/x/y' as ObjectKey, seq: 1 });
      await eventually(() => queues.counts(cluster), (c) => c.failed === 4);

      const all = await queues.failedJobs(cluster);
      expect(all.map((f) => f.job?.objectKey).sort()).toEqual([undefined, gc, gdp, ghr].sort());
      expect(all.find((f) => f.job?.objectKey === gdp)?.failedReason).toBe(`apply of ${gdp} failed`);
      expect(all.every((f) => f.attemptsMade === 1 && f.failedAt !== undefined)).toBe(true);
      expect((await queues.failedJobs(cluster, { kind: 'GlobalDeploymentPolicy' })).map((f) => f.job?.objectKey)).toEqual([gdp]);

      failing = false;
      expect(await queues.retryFailed(cluster, { kind: 'GlobalDeploymentPolicy' })).toBe(1);
      await eventually(() => succeeded.length, (n) => n === 1);
      expect(succeeded[0]).toEqual({ cluster, objectKey: gdp, seq: 1, reason: 'replay' });
      const remaining = await queues.failedJobs(cluster);
      expect(remaining.map((f) => f.job?.objectKey).sort()).toEqual([undefined, gc, ghr].sort());

      expect(await queues.retryFailed(cluster, { objectKey: ghr })).toBe(1);
      await eventually(() => succeeded.length, (n) => n === 2);
      expect(succeeded[1]?.objectKey).toBe(ghr);

      // No filter: every valid failed job (gc); the invalid payload stays failed.
      expect(await queues.retryFailed(cluster)).toBe(1);
      await eventually(() => succeeded.length, (n) => n === 3);
      expect(succeeded.map((j) => j.objectKey)).toEqual([gdp, ghr, gc]);
      const last = await queues.failedJobs(cluster);
      expect(last).toHaveLength(1);
      expect(last[0]?.job).toBeUndefined();
      expect(await queues.retryFailed(cluster)).toBe(0);
    });
  });

  describe('when the worker retries a failing job', () => {
    it('uses the capped-jitter strategy and completes after the retries', async () => {
      const cluster = 'retrying';
      const retrying = createFollowerQueues({
        connection: client,
        prefix: fixture.prefix,
        defaultJobOptions: followerJobOptions({ attempts: 3, backoffBaseMs: 10 }),
      });
      const attempts: number[] = [];
      startWorker(cluster, async (_job, raw) => {
        attempts.push(raw.attemptsMade);
        if (raw.attemptsMade < 2) throw Object.assign(new Error('429'), { retryAfterMs: 20 });
      });
      await retrying.enqueue({ cluster, objectKey: gc, seq: 1 });
      await eventually(() => retrying.counts(cluster), (c) => c.completed === 1);
      expect(attempts).toEqual([0, 1, 2]);
      await retrying.close();
    });
  });

  describe('after all of the above', () => {
    it('reports no queue errors during the run', () => {
      expect(errors).toEqual([]);
    });
  });
});
