/**
 * The store contracts (federation log, results, member registry with its pub/sub watch, follower
 * queues with BullMQ workers) against a real Redis Cluster of 3 masters and 3 replicas, through a
 * `redis-cluster://` URL and the one connection factory: every Lua script, MULTI, XREAD, HSCAN and
 * subscription of the adapters works when the keys live on one master of several.
 */
import { startRedisCluster, type TestRedisCluster } from '@amko-fed/testing';
import type { ObjectKey } from '@amko-fed/domain';
import { Queue, Worker, type Job } from 'bullmq';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisSubjects } from '../test/redis-subject.ts';
import { checkEvictionPolicy, checkRedisReady, createRedisConnection, duplicateForBlocking, type RedisConnection } from './connection.ts';
import { createFederationLog } from './federation-log.ts';
import { createLockedProjectionReader } from './locked-projection-read.ts';
import type { StoresSubject, SubjectOptions } from './testing/contract-subject.ts';
import { federationLogContract } from './testing/federation-log.contract.ts';
import { followerQueuesContract } from './testing/follower-queues.contract.ts';
import { memberRegistryContract } from './testing/member-registry.contract.ts';
import { resultsStoreContract } from './testing/results-store.contract.ts';

let cluster: TestRedisCluster | undefined;
const connections: RedisConnection[] = [];
let subjects: ((options?: SubjectOptions) => Promise<StoresSubject>) | undefined;
let client: RedisConnection | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster({ password: 'contract-cluster-pw' });
  client = createRedisConnection(cluster.url, { role: 'client' });
  const worker = createRedisConnection(cluster.url, { role: 'worker' });
  connections.push(client, worker);
  subjects = redisSubjects(client, worker, '{contract-cluster}');
}, 300_000);

afterAll(async () => {
  await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
  await cluster?.stop();
}, 120_000);

const onCluster = (options?: SubjectOptions): Promise<StoresSubject> => {
  if (subjects === undefined) throw new Error('the Redis Cluster did not start');
  return subjects(options);
};

federationLogContract('Redis Cluster', onCluster);
resultsStoreContract('Redis Cluster', onCluster);
memberRegistryContract('Redis Cluster', onCluster);
followerQueuesContract('Redis Cluster (BullMQ)', onCluster);

describe('the replicator\'s lock check with the projection read on a Redis Cluster', () => {
  it('reads the entry while the BullMQ job lock is held: the lock, stalled set and projection keys share one slot', async () => {
    const connection = client as RedisConnection;
    const prefix = '{contract-cluster}';
    const log = createFederationLog({ redis: connection, prefix });
    const objectKey = 'GSLBConfig/avi-system/cluster-lock' as ObjectKey;
    await log.appendEvent({ op: 'upsert', objectKey, kind: 'GSLBConfig', resourceVersion: 'rv-1', generation: 1, contentHash: 'h1', object: { spec: { a: 1 } }, source: 'watch' });
    const workerConnection = createRedisConnection((cluster as TestRedisCluster).url, { role: 'worker' });
    connections.push(workerConnection);
    const queue = new Queue('lock-read', { connection, prefix });
    const worker = new Worker('lock-read', null, { connection: workerConnection, prefix });
    try {
      await queue.add('replicate', {});
      const job = (await worker.getNextJob('cluster-token')) as Job | undefined;
      if (job?.id === undefined) throw new Error('no job fetched');
      const read = createLockedProjectionReader({ redis: connection, prefix });
      const lock = { queueQualifiedName: job.queueQualifiedName, jobId: job.id, token: 'cluster-token', durationMs: 10_000 };
      expect(await read(objectKey, lock)).toEqual({ held: true, entry: expect.objectContaining({ state: 'present', seq: expect.any(Number), contentHash: 'h1' }) });
      expect(await read(objectKey, { ...lock, token: 'another-token' })).toEqual({ held: false });
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});

describe('redis connection on a Redis Cluster', () => {
  describe('when given a redis-cluster:// URL', () => {
    it('is a Cluster client that is ready and whose blocking duplicate never gives up on a command', async () => {
      const connection = client as RedisConnection;
      expect(connection).toBeInstanceOf(Cluster);
      expect(await checkRedisReady(connection)).toEqual({ ready: true });
      const blocking = duplicateForBlocking(connection, 'amko-fed-test-blocking');
      connections.push(blocking);
      expect(blocking).toBeInstanceOf(Cluster);
      expect((blocking as Cluster).options.redisOptions?.maxRetriesPerRequest).toBeNull();
    });
  });

  describe('when one master of several evicts keys', () => {
    it('warns, although the others are set to noeviction', async () => {
      const connection = client as Cluster;
      expect(await checkEvictionPolicy(connection)).toEqual({ policy: 'noeviction', warning: undefined });
      const [, second] = connection.nodes('master');
      await second?.config('SET', 'maxmemory-policy', 'allkeys-lru');
      try {
        expect((await checkEvictionPolicy(connection)).policy).toBe('allkeys-lru');
      } finally {
        await second?.config('SET', 'maxmemory-policy', 'noeviction');
      }
    });
  });
});
