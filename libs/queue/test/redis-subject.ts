/**
 * The store-contract subject over real Redis adapters (stores.contract.int.spec.ts on the run's
 * Redis, stores-cluster.int.spec.ts on a Redis Cluster): each subject is a fresh key prefix (with
 * its own hash tag) derived from `basePrefix`.
 */
import { decodeJob, type ReplicationJob } from '@amko-fed/domain';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Cluster } from 'ioredis';
import { cappedJitterBackoffStrategy } from '../src/backoff.ts';
import type { RedisConnection } from '../src/connection.ts';
import { createFederationLog } from '../src/federation-log.ts';
import { followerJobOptions, REPLICATE_JOB_NAME } from '../src/follower-job-options.ts';
import { createFollowerQueues } from '../src/follower-queues.ts';
import { createMemberRegistry } from '../src/member-registry.ts';
import { followerQueueName } from '../src/names.ts';
import { createResultsStore } from '../src/results-store.ts';
import type { StoresSubject, SubjectOptions } from '../src/testing/contract-subject.ts';

/** Every key starting with `prefix` (on a Cluster: of every master). */
async function keysUnder(redis: RedisConnection, prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  if (redis instanceof Cluster) return (await Promise.all(redis.nodes('master').map((node) => node.keys(pattern)))).flat();
  return redis.keys(pattern);
}

/** A factory of subjects on `redis` (client) and `workerConnection` (BullMQ worker role). */
export function redisSubjects(redis: RedisConnection, workerConnection: RedisConnection, basePrefix: string): (options?: SubjectOptions) => Promise<StoresSubject> {
  let counter = 0;
  return async (options: SubjectOptions = {}): Promise<StoresSubject> => {
    counter += 1;
    const prefix = `${basePrefix.slice(0, -1)}-${counter}}`;
    const clock = options.clock ? { clock: options.clock } : {};
    // A retry waits 60 s (delayed) unless promoted; a job fails for good after 3 attempts.
    const queues = createFollowerQueues({ connection: redis, prefix, defaultJobOptions: followerJobOptions({ attempts: 3, backoffBaseMs: 60_000 }) });
    const workers = new Map<string, Worker>();
    const taken = new Map<string, Job>();
    const workerOf = (cluster: string): Worker => {
      let worker = workers.get(cluster);
      if (worker === undefined) {
        // No processor: a manual worker, so the test decides when a job is taken and how it ends.
        worker = new Worker(followerQueueName(cluster), null, {
          connection: workerConnection, prefix, autorun: false,
          settings: { backoffStrategy: cappedJitterBackoffStrategy({ capMs: 60_000 }, () => 1) },
        });
        worker.on('error', () => undefined);
        workers.set(cluster, worker);
      }
      return worker;
    };
    return {
      log: createFederationLog({ redis, prefix, ...clock, ...(options.maxEvents ? { maxEvents: options.maxEvents } : {}), ...(options.history ? { history: options.history } : {}) }),
      results: createResultsStore({ redis, prefix }),
      registry: createMemberRegistry({ redis, prefix, ...clock }),
      queues,
      worker: {
        async take(cluster) {
          const job = (await workerOf(cluster).getNextJob('contract', { block: false })) as Job | undefined;
          if (job?.id === undefined) return undefined;
          taken.set(job.id, job);
          const decoded = decodeJob(job.data);
          return { id: job.id, job: decoded.ok ? decoded.job : undefined, attemptsMade: job.attemptsMade };
        },
        async complete(_cluster, id) {
          await taken.get(id)?.moveToCompleted('done', 'contract', false);
        },
        async fail(_cluster, id, reason, failOptions) {
          await taken.get(id)?.moveToFailed(failOptions?.terminal ? new UnrecoverableError(reason) : new Error(reason), 'contract', false);
        },
        async addRaw(cluster, data) {
          await queues.queue(cluster).add(REPLICATE_JOB_NAME, data as ReplicationJob);
        },
      },
      async loseData() {
        // FLUSHALL of this data set only: the Redis is shared.
        const keys = await keysUnder(redis, prefix);
        if (keys.length > 0) await redis.del(...keys);
      },
      async close() {
        await Promise.all([...workers.values()].map((w) => w.close()));
        await queues.close();
      },
    };
  };
}
