/**
 * The one way the watcher hands work to the replicators: recording a change (the federation log)
 * and dispatching reconciles (the follower queues) are separate steps, and every reconcile — a
 * watched change, a resync finding, the retry of a failed object — goes through `dispatch`, in
 * batches of at most `batchSize` jobs per `enqueueMany` call (one pipelined round trip per follower
 * queue), counted per follower in `amko_fed_watcher_jobs_enqueued_total`.
 */
import type { ReplicationJob } from '@amko-fed/domain';
import type { FollowerQueues } from '@amko-fed/queue';
import type { WatcherMetrics } from '../http/metrics.ts';

export const DISPATCH_BATCH_SIZE = 100;

export type Dispatch = (jobs: readonly ReplicationJob[]) => Promise<void>;

export function createDispatch(deps: {
  readonly queues: Pick<FollowerQueues, 'enqueueMany'>;
  readonly metrics: Pick<WatcherMetrics, 'jobsEnqueued'>;
  /** @defaultValue DISPATCH_BATCH_SIZE */
  readonly batchSize?: number;
}): Dispatch {
  const batchSize = deps.batchSize ?? DISPATCH_BATCH_SIZE;
  return async (jobs) => {
    for (let i = 0; i < jobs.length; i += batchSize) {
      const batch = jobs.slice(i, i + batchSize);
      await deps.queues.enqueueMany(batch);
      for (const job of batch) deps.metrics.jobsEnqueued.inc({ cluster: job.cluster });
    }
  };
}
