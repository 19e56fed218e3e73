/**
 * What every FollowerQueues must do, run against the BullMQ adapter with a manual BullMQ worker
 * (stores.contract.int.spec.ts) and the in-memory fake (in-memory-stores.spec.ts).
 */
import type { ObjectKey } from '@amko-fed/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { ClosedError } from '../errors/closed-error.ts';
import type { MakeStores, StoresSubject } from './contract-subject.ts';

const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/gdp-1' as ObjectKey;
const ghr = 'GSLBHostRule/avi-system/ghr-1' as ObjectKey;
const c = 'follower-1';

export function followerQueuesContract(label: string, makeStores: MakeStores): void {
  describe(`FollowerQueues contract: ${label}`, () => {
    const open: StoresSubject[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    async function fresh(): Promise<StoresSubject> {
      const subject = await makeStores();
      open.push(subject);
      return subject;
    }

    describe('when a burst arrives while the job is still waiting', () => {
      it('coalesces it into the one waiting job, which keeps its seq', async () => {
        const { queues, worker } = await fresh();
        const ids = new Set<string>();
        for (let seq = 1; seq <= 10; seq += 1) ids.add((await queues.enqueue({ cluster: c, objectKey: gc, seq })).jobId);
        expect(ids.size).toBe(1);
        await queues.enqueue({ cluster: c, objectKey: gdp, seq: 1 });
        expect((await queues.counts(c)).waiting).toBe(2);
        expect((await worker.take(c))?.job).toEqual({ cluster: c, objectKey: gc, seq: 1 });
      });
    });

    describe('when the followers have context names as oc login, EKS and people write them', () => {
      it.each(['avi-system/api-ocp2-example-com:6443/kube:admin', 'arn:aws:eks:us-east-1:123456789012:cluster/site3', 'site four {DR}', `l${'x'.repeat(249)}`])(
        'queues, deduplicates and hands out the jobs of %j under its name as written',
        async (cluster) => {
          const { queues, worker } = await fresh();
          for (let seq = 1; seq <= 3; seq += 1) await queues.enqueue({ cluster, objectKey: gc, seq });
          await queues.enqueue({ cluster: c, objectKey: gc, seq: 1 });
          expect((await queues.counts(cluster)).waiting).toBe(1);
          expect((await queues.counts(c)).waiting).toBe(1);
          expect((await worker.take(cluster))?.job).toEqual({ cluster, objectKey: gc, seq: 1 });
        },
      );
    });

    describe('when a burst arrives while the job of the same object is active', () => {
      it('keeps one more job, with the latest seq, which waits until the active one finishes', async () => {
        const { queues, worker } = await fresh();
        await queues.enqueue({ cluster: c, objectKey: gc, seq: 0 });
        const active = await worker.take(c);
        for (let seq = 1; seq <= 10; seq += 1) await queues.enqueue({ cluster: c, objectKey: gc, seq });
        expect(await queues.counts(c)).toMatchObject({ active: 1, waiting: 0, delayed: 0 });
        await worker.complete(c, active?.id ?? '');
        expect(await queues.counts(c)).toMatchObject({ active: 0, waiting: 1, completed: 1 });
        expect((await worker.take(c))?.job?.seq).toBe(10);
      });

      it('also releases the stashed job when the active one fails for good', async () => {
        const { queues, worker } = await fresh();
        await queues.enqueue({ cluster: c, objectKey: gc, seq: 1 });
        const active = await worker.take(c);
        await queues.enqueue({ cluster: c, objectKey: gc, seq: 2 });
        await worker.fail(c, active?.id ?? '', 'invalid', { terminal: true });
        expect(await queues.counts(c)).toMatchObject({ waiting: 1, failed: 1 });
        expect((await worker.take(c))?.job?.seq).toBe(2);
      });
    });

    describe('when enqueueing many jobs at once', () => {
      it('deduplicates per follower and object and returns ids in input order', async () => {
        const { queues } = await fresh();
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
      });

      it('rejects the whole batch when one job is invalid', async () => {
        const { queues } = await fresh();
        const batch = queues.enqueueMany([{ cluster: c, objectKey: gc, seq: 1 }, { cluster: c, objectKey: gc, seq: -1 }]);
        await expect(batch).rejects.toMatchObject({ code: 'INVALID_JOB_PAYLOAD' });
        expect((await queues.counts(c)).waiting).toBe(0);
      });
    });

    describe('when a follower queue is paused', () => {
      it('holds its jobs until resumed', async () => {
        const { queues, worker } = await fresh();
        await queues.pause(c);
        await queues.enqueue({ cluster: c, objectKey: gc, seq: 1 });
        expect(await queues.isPaused(c)).toBe(true);
        expect((await queues.counts(c)).waiting).toBe(1);
        expect(await worker.take(c)).toBeUndefined();
        await queues.resume(c);
        expect(await queues.isPaused(c)).toBe(false);
        expect((await worker.take(c))?.job?.objectKey).toBe(gc);
      });
    });

    describe('when an attempt fails and attempts remain', () => {
      it('delays the job, drops enqueues for it meanwhile, and promoteDelayed runs it again', async () => {
        const { queues, worker } = await fresh();
        const { jobId } = await queues.enqueue({ cluster: c, objectKey: gc, seq: 1 });
        expect(await queues.promoteDelayed(c)).toBe(0);
        await worker.fail(c, (await worker.take(c))?.id ?? '', 'timeout');
        expect(await queues.counts(c)).toMatchObject({ delayed: 1, waiting: 0, failed: 0 });
        expect((await queues.enqueue({ cluster: c, objectKey: gc, seq: 2 })).jobId).toBe(jobId);
        expect(await queues.promoteDelayed(c)).toBe(1);
        expect(await queues.counts(c)).toMatchObject({ delayed: 0, waiting: 1 });
        const again = await worker.take(c);
        expect({ id: again?.id, seq: again?.job?.seq, attemptsMade: again?.attemptsMade }).toEqual({ id: jobId, seq: 1, attemptsMade: 1 });
      });

      it('fails it for good once its attempts (3) are used up', async () => {
        const { queues, worker } = await fresh();
        await queues.enqueue({ cluster: c, objectKey: gc, seq: 1 });
        for (let attempt = 1; attempt <= 3; attempt += 1) {
          await queues.promoteDelayed(c);
          await worker.fail(c, (await worker.take(c))?.id ?? '', `attempt ${attempt}`);
        }
        expect(await queues.counts(c)).toMatchObject({ delayed: 0, failed: 1 });
        expect(await queues.failedJobs(c)).toMatchObject([{ failedReason: 'attempt 3', attemptsMade: 3 }]);
      });
    });

    describe('when jobs failed', () => {
      it('lists them newest first and re-drives only the selected valid ones', async () => {
        const { queues, worker } = await fresh();
        await queues.enqueueMany([gc, gdp, ghr].map((objectKey) => ({ cluster: c, objectKey, seq: 1 })));
        await worker.addRaw(c, { cluster: c, objectKey: 'Secret/x/y', seq: 1 });
        for (let n = 0; n < 4; n += 1) {
          const job = await worker.take(c);
          await worker.fail(c, job?.id ?? '', `apply of ${job?.job?.objectKey ?? 'invalid'} failed`, { terminal: true });
        }
        const all = await queues.failedJobs(c);
        expect(all.map((f) => f.job?.objectKey)).toEqual([undefined, ghr, gdp, gc]);
        expect(all.find((f) => f.job?.objectKey === gdp)?.failedReason).toBe(`apply of ${gdp} failed`);
        expect(all.every((f) => f.attemptsMade === 1 && f.failedAt !== undefined)).toBe(true);
        expect(await queues.failedJobs(c, {}, 2)).toHaveLength(2);
        expect((await queues.failedJobs(c, { kind: 'GlobalDeploymentPolicy' })).map((f) => f.job?.objectKey)).toEqual([gdp]);

        expect(await queues.retryFailed(c, { kind: 'GlobalDeploymentPolicy' })).toBe(1);
        expect((await worker.take(c))?.job).toEqual({ cluster: c, objectKey: gdp, seq: 1, reason: 'replay' });
        expect(await queues.retryFailed(c, { objectKey: ghr })).toBe(1);
        expect(await queues.retryFailed(c)).toBe(1);
        expect((await queues.failedJobs(c)).map((f) => f.job)).toEqual([undefined]);
        expect(await queues.retryFailed(c)).toBe(0);
        expect((await queues.counts(c)).waiting).toBe(2);
      });
    });

    describe('when the data set is lost', () => {
      it('forgets the jobs and the pause state', async () => {
        const subject = await fresh();
        await subject.queues.pause(c);
        await subject.queues.enqueue({ cluster: c, objectKey: gc, seq: 1 });
        await subject.loseData();
        expect(await subject.queues.isPaused(c)).toBe(false);
        expect(await subject.queues.counts(c)).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0, failed: 0, completed: 0 });
        await subject.queues.enqueue({ cluster: c, objectKey: gc, seq: 2 });
        expect((await subject.worker.take(c))?.job?.seq).toBe(2);
      });
    });

    describe('when closed', () => {
      it('rejects every call with ClosedError, and closing again resolves', async () => {
        const { queues } = await fresh();
        await queues.enqueue({ cluster: c, objectKey: gc, seq: 1 });
        await queues.close();
        await expect(queues.enqueue({ cluster: c, objectKey: gc, seq: 2 })).rejects.toBeInstanceOf(ClosedError);
        await expect(queues.counts(c)).rejects.toMatchObject({ code: 'CLOSED' });
        await expect(queues.promoteDelayed(c)).rejects.toMatchObject({ code: 'CLOSED' });
        await expect(queues.close()).resolves.toBeUndefined();
      });
    });
  });
}
