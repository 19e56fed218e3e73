import type { ObjectKey, ReplicationJob } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { createWatcherMetrics } from '../http/metrics.ts';
import { createDispatch } from './dispatch.ts';

const job = (cluster: string, i: number): ReplicationJob => ({ cluster, objectKey: `GSLBHostRule/avi-system/r-${i}` as ObjectKey, seq: i, reason: 'resync' });

describe('dispatch', () => {
  describe('when given more jobs than a batch', () => {
    it('enqueues them in order, in batches of batchSize, and counts them per follower', async () => {
      const calls: ReplicationJob[][] = [];
      const metrics = createWatcherMetrics({ defaultMetrics: false });
      const dispatch = createDispatch({ queues: { enqueueMany: async (jobs) => { calls.push([...jobs]); return jobs.map(() => ({ jobId: 'x' })); } }, metrics, batchSize: 2 });
      const jobs = [job('c2', 1), job('c3', 2), job('c2', 3), job('c2', 4), job('c3', 5)];
      await dispatch(jobs);
      expect(calls.map((batch) => batch.map((j) => j.seq))).toEqual([[1, 2], [3, 4], [5]]);
      expect((await metrics.jobsEnqueued.get()).values.map((v) => [v.labels['cluster'], v.value])).toEqual([['c2', 3], ['c3', 2]]);
    });
  });

  describe('when given no job', () => {
    it('makes no call', async () => {
      let calls = 0;
      await createDispatch({ queues: { enqueueMany: async () => { calls += 1; return []; } }, metrics: createWatcherMetrics({ defaultMetrics: false }) })([]);
      expect(calls).toBe(0);
    });
  });
});
