/**
 * The lock check and projection read in one round trip, against real Redis and a real BullMQ
 * job lock (a Worker without processor, `getNextJob(token)`: the manual processing API), so that
 * the script is checked against BullMQ's own key layout and lock, not against our idea of it.
 */
import type { ObjectKey } from '@amko-fed/domain';
import { isolatedPrefix } from '@amko-fed/testing';
import { Queue, Worker, type Job } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { redisFixture } from '../test/redis-fixture.ts';
import { createFederationLog } from './federation-log.ts';
import { createLockedProjectionReader } from './locked-projection-read.ts';

const fixture = redisFixture(isolatedPrefix('lpr'));
const client = fixture.connect('client');
const log = createFederationLog({ redis: client, prefix: fixture.prefix });
const read = createLockedProjectionReader({ redis: client, prefix: fixture.prefix });
const queue = new Queue('lpr', { connection: client, prefix: fixture.prefix });
const worker = new Worker('lpr', null, { connection: fixture.connect('worker'), prefix: fixture.prefix, lockDuration: 5_000 });

afterAll(async () => {
  await worker.close();
  await queue.close();
  await fixture.close();
});

const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const missing = 'GSLBConfig/avi-system/never-written' as ObjectKey;

/** A job this test's worker holds with `token` (its lock set by BullMQ's moveToActive). */
async function heldJob(token: string): Promise<Job> {
  await queue.add('replicate', {});
  const job = (await worker.getNextJob(token)) as Job | undefined;
  if (job?.id === undefined) throw new Error('no job fetched');
  return job;
}

const lockKey = (job: Job): string => `${job.queueQualifiedName}:${job.id ?? ''}:lock`;

describe('reading the projection while holding a job lock', () => {
  it('renews a held lock, takes the job out of the stalled set and returns the latest entry', async () => {
    await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: 'rv-1', generation: 1, contentHash: 'h1', object: { spec: { a: 1 } }, source: 'watch' });
    await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: 'rv-2', generation: 2, contentHash: 'h2', object: { spec: { a: 2 } }, source: 'watch' });
    const job = await heldJob('token-a');
    await client.pexpire(lockKey(job), 1_000);
    await client.sadd(`${job.queueQualifiedName}:stalled`, job.id ?? '');

    const answer = await read(gc, { queueQualifiedName: job.queueQualifiedName, jobId: job.id ?? '', token: 'token-a', durationMs: 30_000 });

    expect(answer).toEqual({ held: true, entry: expect.objectContaining({ state: 'present', seq: 2, contentHash: 'h2', object: { spec: { a: 2 } } }) });
    expect(await client.get(lockKey(job))).toBe('token-a');
    expect(await client.pttl(lockKey(job))).toBeGreaterThan(20_000);
    expect(await client.sismember(`${job.queueQualifiedName}:stalled`, job.id ?? '')).toBe(0);
    // BullMQ's own extendLock agrees that the lock is still this token's.
    expect(await job.extendLock('token-a', 5_000)).toBe(1);
  });

  it('answers held with no entry for an object the projection does not hold', async () => {
    const job = await heldJob('token-b');
    expect(await read(missing, { queueQualifiedName: job.queueQualifiedName, jobId: job.id ?? '', token: 'token-b', durationMs: 5_000 })).toEqual({ held: true, entry: undefined });
  });

  it('renews nothing and reads nothing when another token holds the lock', async () => {
    const job = await heldJob('token-c');
    await client.set(lockKey(job), 'token-of-another-replicator', 'PX', 2_000);
    await client.sadd(`${job.queueQualifiedName}:stalled`, job.id ?? '');

    expect(await read(gc, { queueQualifiedName: job.queueQualifiedName, jobId: job.id ?? '', token: 'token-c', durationMs: 30_000 })).toEqual({ held: false });
    expect(await client.get(lockKey(job))).toBe('token-of-another-replicator');
    expect(await client.pttl(lockKey(job))).toBeLessThanOrEqual(2_000);
    expect(await client.sismember(`${job.queueQualifiedName}:stalled`, job.id ?? '')).toBe(1);
  });

  it('answers not held once the lock has expired', async () => {
    const job = await heldJob('token-d');
    await client.del(lockKey(job));
    expect(await read(gc, { queueQualifiedName: job.queueQualifiedName, jobId: job.id ?? '', token: 'token-d', durationMs: 30_000 })).toEqual({ held: false });
    expect(await client.exists(lockKey(job))).toBe(0);
  });
});
