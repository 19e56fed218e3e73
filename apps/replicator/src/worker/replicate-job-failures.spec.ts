/**
 * The job processor's failures over in-memory ports (test/unit-worker.ts): given a follower or a job
 * that cannot be applied, when BullMQ runs the job, then the result record, the metrics, the
 * redaction and whether BullMQ retries the job are as the replicator promises.
 */
import { ErrorCode, errorForHttpStatus, UnavailableError } from '@amko-fed/domain';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { FOLLOWER, GDP_KEY, SECRET, workerWorld } from '../../test/unit-worker.ts';
import { LockLostError } from './errors/lock-lost-error.ts';
import { INTERRUPTED_CODE } from './replicate-job.ts';

const APPLIES = 'amko_fed_replicator_applies_total';
const RETRIES = 'amko_fed_replicator_retries_total';

describe('createJobProcessor', () => {
  describe('when the follower\'s AMKOCluster says isLeader: true (dual leader)', () => {
    it('refuses to write, records "fenced" and fails the job for good', async () => {
      const world = await workerWorld({ followerIsLeader: true });
      await world.upsert(10);
      const ran = await world.run();
      expect(ran.error).toBeInstanceOf(UnrecoverableError);
      expect(ran.state).toBe('failed');
      expect(world.gdpWrites()).toEqual([]);
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({ outcome: 'fenced', errorCode: ErrorCode.FencedLeader, attempts: 1 });
      expect(await world.metric(APPLIES, { cluster: FOLLOWER, outcome: 'fenced' })).toBe(1);
      expect(await world.metric(RETRIES, { cluster: FOLLOWER })).toBe(0);
    });
  });

  describe('when the attempt fails before it has read the projection, for a job older than the projection', () => {
    // The token and fence checks come before the locked projection read. A failure there is still
    // recorded at the projection's seq, so that it counts in the status: a failure at the job's
    // older seq would leave the newer state "pending", and the condition would read success.
    it('records the failure at the projection\'s latest seq (fenced follower)', async () => {
      const world = await workerWorld({ followerIsLeader: true });
      const { first, latest, waitingSeq } = await world.upsertTwiceWhileWaiting(10, 11);
      expect(waitingSeq).toBe(first);
      const ran = await world.run();
      expect(ran.error).toBeInstanceOf(UnrecoverableError);
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({ outcome: 'fenced', seq: latest });
    });

    it('records the failure at the projection\'s latest seq (follower unreachable)', async () => {
      const world = await workerWorld({ epoch: 2 });
      await world.upsert(10);
      await world.run();
      const { first, latest, waitingSeq } = await world.upsertTwiceWhileWaiting(11, 12);
      expect(waitingSeq).toBe(first);
      world.follower.fail((verb, kind) => (verb === 'get' && kind === 'Lease' ? new UnavailableError('get Lease on follower1: connection refused') : undefined));
      const ran = await world.run();
      expect(ran.state).not.toBe('completed');
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({ outcome: 'failed', seq: latest });
      expect(world.reachability.at(-1)).toEqual([FOLLOWER, false]);
    });
  });

  describe('when the follower rejects the object (422)', () => {
    it('fails the job for good at the first attempt and records why', async () => {
      const world = await workerWorld();
      world.follower.fail((verb) => (verb === 'create' ? errorForHttpStatus(422, 'create GlobalDeploymentPolicy avi-system/global-gdp on follower1: spec.ttl: Invalid value') : undefined));
      await world.upsert(10);
      const ran = await world.run();
      expect(ran.error).toBeInstanceOf(UnrecoverableError);
      expect(ran.state).toBe('failed');
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({ outcome: 'failed', errorCode: ErrorCode.SchemaRejected, attempts: 1 });
      expect(await world.metric(RETRIES, { cluster: FOLLOWER })).toBe(0);
      expect(world.lines.join('')).toContain('Could not apply GlobalDeploymentPolicy; giving up');
    });
  });

  describe('when the follower fails every write with a retryable error (503)', () => {
    it('retries with the attempt counted in each result, and the last attempt records "gave up"', async () => {
      const world = await workerWorld({ maxAttempts: 3, jobAttempts: 3 });
      world.follower.fail((verb) => (verb === 'create' ? errorForHttpStatus(503, 'create on follower1: service unavailable') : undefined));
      await world.upsert(10);
      const runs = [await world.run(), await world.run(), await world.run()];
      expect(runs.map((r) => r.state)).toEqual(['delayed', 'delayed', 'failed']);
      expect(runs.map((r) => r.error instanceof UnrecoverableError)).toEqual([false, false, true]);
      const result = await world.stores.results.readResult(FOLLOWER, GDP_KEY);
      expect(result).toMatchObject({ outcome: 'failed', attempts: 3, errorCode: ErrorCode.Unavailable });
      expect(result?.errorMessage).toMatch(/^gave up after 3 attempts: /);
      expect(await world.metric(RETRIES, { cluster: FOLLOWER })).toBe(2);
      expect(await world.metric(APPLIES, { cluster: FOLLOWER, outcome: 'failed' })).toBe(3);
    });

    it('gives up at the job\'s own attempt budget when it is smaller than RETRY_ATTEMPTS', async () => {
      const world = await workerWorld({ maxAttempts: 5, jobAttempts: 2 });
      world.follower.fail((verb) => (verb === 'create' ? new UnavailableError('create on follower1: connection reset') : undefined));
      await world.upsert(10);
      const runs = [await world.run(), await world.run()];
      expect(runs.map((r) => r.state)).toEqual(['delayed', 'failed']);
      expect((await world.stores.results.readResult(FOLLOWER, GDP_KEY))?.errorMessage).toMatch(/^gave up after 2 attempts: /);
    });
  });

  describe('when a failure message carries a credential', () => {
    it('records, logs and hands BullMQ the message with the credential redacted', async () => {
      const world = await workerWorld();
      world.follower.fail((verb) => (verb === 'create' ? new UnavailableError(`create on follower1: proxy refused Bearer ${SECRET} (token=${SECRET})`) : undefined));
      await world.upsert(10);
      const ran = await world.run();
      const result = await world.stores.results.readResult(FOLLOWER, GDP_KEY);
      expect(result?.errorMessage).toContain('[redacted]');
      expect(result?.errorMessage).not.toContain(SECRET);
      expect(ran.error?.message).toContain('[redacted]');
      expect(ran.error?.message).not.toContain(SECRET);
      expect(world.lines.join('')).toContain('will retry');
      expect(world.lines.join('')).not.toContain(SECRET);
    });
  });

  describe('when the job payload is unusable', () => {
    it('fails an undecodable job for good and records nothing', async () => {
      const world = await workerWorld();
      world.stores.queues.addRaw(FOLLOWER, { objectKey: 42 });
      const ran = await world.run();
      expect(ran.error).toBeInstanceOf(UnrecoverableError);
      expect(ran.state).toBe('failed');
      expect(await world.stores.results.readResults(FOLLOWER)).toEqual([]);
    });

    it('fails a job of another follower\'s queue for good and records the failure here', async () => {
      const world = await workerWorld();
      const seq = await world.upsert(10);
      world.stores.queues.take(FOLLOWER);
      world.stores.queues.addRaw(FOLLOWER, { cluster: 'follower2', objectKey: GDP_KEY, seq, reason: 'event' });
      const ran = await world.run();
      expect(world.gdpWrites()).toEqual([]);
      expect(ran.error?.message).toContain('is in the queue of follower1');
      expect(ran.state).toBe('failed');
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({ outcome: 'failed', seq, errorCode: ErrorCode.InvalidPayload });
    });
  });

  describe('when shutdown interrupts the attempt', () => {
    it('hands the job back as INTERRUPTED (retryable)', async () => {
      const world = await workerWorld();
      await world.upsert(10);
      const job = world.stores.queues.take(FOLLOWER);
      if (job === undefined) throw new Error('no job');
      const aborted = AbortSignal.abort();
      const attempt = world.processor({ ...job, queueQualifiedName: 'unit:follower1', moveToDelayed: async () => undefined, extendLock: async () => 1 }, 'lock-token', aborted);
      await expect(attempt).rejects.toMatchObject({ code: INTERRUPTED_CODE });
      await expect(attempt).rejects.not.toBeInstanceOf(UnrecoverableError);
    });
  });

  describe('when another replicator took the job over before the write (this lock expired)', () => {
    it('writes nothing, records no result and counts no apply', async () => {
      const world = await workerWorld();
      await world.upsert(10);
      const ran = await world.run({ lockLost: true });
      expect(ran.error).toBeInstanceOf(LockLostError);
      expect(ran.error).toMatchObject({ code: INTERRUPTED_CODE });
      expect(world.gdpWrites()).toEqual([]);
      expect(await world.ttlOnFollower()).toBeUndefined();
      expect(await world.stores.results.readResults(FOLLOWER)).toEqual([]);
      expect(await world.metric(APPLIES, { cluster: FOLLOWER, outcome: 'failed' })).toBe(0);
      expect(world.lines.join('')).toContain('Lost the job to another replicator before writing');
    });

    /** A second job whose apply is a no-op (the follower already holds the object's content). */
    async function noopJob(world: Awaited<ReturnType<typeof workerWorld>>): Promise<number> {
      await world.upsert(10);
      await world.run();
      const { object } = world.stores.log.projected(GDP_KEY) as { object: Record<string, unknown> };
      const seq = await world.stores.log.appendEvent({ op: 'upsert', objectKey: GDP_KEY, kind: 'GlobalDeploymentPolicy', resourceVersion: '500', contentHash: 'another-hash', object, source: 'resync' });
      await world.stores.queues.enqueue({ cluster: FOLLOWER, objectKey: GDP_KEY, seq, reason: 'resync' });
      return seq;
    }

    it('notices it with the projection read, before a no-op too: nothing written, nothing recorded', async () => {
      const world = await workerWorld();
      const seq = await noopJob(world);
      const resultBefore = await world.stores.results.readResult(FOLLOWER, GDP_KEY);
      const ran = await world.run({ lockLost: true });
      expect(ran.error).toBeInstanceOf(LockLostError);
      expect(world.gdpWrites()).toHaveLength(1);
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toEqual(resultBefore);
      expect((await world.stores.results.readResult(FOLLOWER, GDP_KEY))?.seq).toBeLessThan(seq);
    });

    it('without the combined read (projection first), still records a no-op, which writes nothing', async () => {
      const world = await workerWorld({ lockedRead: false });
      const seq = await noopJob(world);
      const stepsBefore = world.steps.length;
      expect((await world.run({ lockLost: true })).returned).toEqual({ outcome: 'noop', seq });
      expect(world.gdpWrites()).toHaveLength(1);
      // The lock is checked only right before a write in this order.
      expect(world.steps.slice(stepsBefore).filter((step) => step === 'extendLock' || step === 'lockedRead')).toEqual([]);
    });
  });
});
