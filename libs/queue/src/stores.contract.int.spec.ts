/** The store contracts against the Redis adapters: each subject is a fresh key prefix of the run's Redis. */
import { decodeJob, type ReplicationJob } from '@amko-fed/domain';
import { isolatedPrefix } from '@amko-fed/testing';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { afterAll } from 'vitest';
import { redisFixture } from '../test/redis-fixture.ts';
import { cappedJitterBackoffStrategy } from './backoff.ts';
import { createFederationLog } from './federation-log.ts';
import { followerJobOptions, REPLICATE_JOB_NAME } from './follower-job-options.ts';
import { createFollowerQueues } from './follower-queues.ts';
import { createMemberRegistry } from './member-registry.ts';
import { followerQueueName } from './names.ts';
import { createResultsStore } from './results-store.ts';
import type { StoresSubject, SubjectOptions } from './testing/contract-subject.ts';
import { federationLogContract } from './testing/federation-log.contract.ts';
import { followerQueuesContract } from './testing/follower-queues.contract.ts';
import { memberRegistryContract } from './testing/member-registry.contract.ts';
import { resultsStoreContract } from './testing/results-store.contract.ts';

const fixture = redisFixture(isolatedPrefix('contract'));
const redis = fixture.connect('client');
const workerConnection = fixture.connect('worker');
afterAll(() => fixture.close());

let counter = 0;

async function onRedis(options: SubjectOptions = {}): Promise<StoresSubject> {
  counter += 1;
  const prefix = `${fixture.prefix.slice(0, -1)}-${counter}}`;
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
    log: createFederationLog({ redis, prefix, ...clock, ...(options.maxEvents ? { maxEvents: options.maxEvents } : {}) }),
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
      // FLUSHALL of this data set only: the Redis is shared by the run.
      const keys = await redis.keys(`${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`);
      if (keys.length > 0) await redis.del(...keys);
    },
    async close() {
      await Promise.all([...workers.values()].map((w) => w.close()));
      await queues.close();
    },
  };
}

federationLogContract('Redis', onRedis);
resultsStoreContract('Redis', onRedis);
memberRegistryContract('Redis', onRedis);
followerQueuesContract('Redis (BullMQ)', onRedis);
