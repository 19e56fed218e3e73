/**
 * What a failed convergence wait appends about the (follower, object) pairs that did not converge,
 * one line each, read straight from Redis: the projection's seq and state, the latest result, the
 * job the follower queue's deduplication key names (its state, seq, attempts, lock TTL), and the
 * stored next job (`dn:`, keepLastIfActive) waiting behind an active one. Plus, per follower queue,
 * its counts and active job ids. With these a failure on a CI machine tells whether the change was
 * never enqueued, dropped by deduplication, stuck behind a job or applied without a result.
 */
import { deduplicationIdOf, type ObjectKey } from '@amko-fed/domain';
import { createFederationLog, createFollowerQueues, createRedisConnection, createResultsStore, type FollowerQueue, type RedisConnection } from '@amko-fed/queue';
import type { Federation } from '@amko-fed/testing';
import { Job } from 'bullmq';

export interface Pair {
  readonly cluster: string;
  readonly objectKey: ObjectKey;
}

async function describeJob(redis: RedisConnection, queue: FollowerQueue, id: string | null): Promise<string> {
  if (id === null) return 'none';
  const job = await Job.fromId(queue, id);
  if (job === undefined) return `${id} (no such job)`;
  const lockTtl = await redis.pttl(`${queue.qualifiedName}:${id}:lock`);
  const data = job.data as { seq?: unknown; reason?: unknown };
  return `${id} ${await job.getState()} seq=${String(data.seq)} reason=${String(data.reason)} attempts=${job.attemptsMade} stalls=${job.stalledCounter} lockTtl=${lockTtl}ms${job.failedReason ? ` failed=${job.failedReason.slice(0, 80)}` : ''}`;
}

/** One line per pair and per follower queue; never throws (a diagnosis must not hide the failure). */
export async function diagnosePairs(federation: Federation, pairs: readonly Pair[]): Promise<string> {
  if (pairs.length === 0) return '(every pair converged when looked at again)';
  const redis = createRedisConnection(federation.redisUrl, { role: 'client' });
  const queues = createFollowerQueues({ connection: redis, prefix: federation.prefix });
  const log = createFederationLog({ redis, prefix: federation.prefix });
  const results = createResultsStore({ redis, prefix: federation.prefix });
  try {
    const lines: string[] = [];
    for (const { cluster, objectKey } of pairs) {
      const queue = queues.queue(cluster);
      const dedupId = deduplicationIdOf({ cluster, objectKey });
      const [projection, result, current, next] = await Promise.all([
        log.readProjection(objectKey),
        results.readResult(cluster, objectKey),
        redis.get(`${queue.qualifiedName}:de:${dedupId}`),
        redis.hget(`${queue.qualifiedName}:dn:${dedupId}`, 'jid'),
      ]);
      const projected = projection === undefined ? 'none' : `${projection.state}@${projection.seq}`;
      const latest = result === undefined ? 'none' : `${result.outcome}@${result.seq} at ${result.at.slice(11, 23)}`;
      lines.push(`${cluster} ${objectKey}: projection ${projected}; result ${latest}; dedup job ${await describeJob(redis, queue, current)}; next ${next ?? 'none'}`);
    }
    for (const cluster of new Set(pairs.map((p) => p.cluster))) {
      const queue = queues.queue(cluster);
      const counts = await queues.counts(cluster);
      const active = await redis.lrange(`${queue.qualifiedName}:active`, 0, -1);
      lines.push(`${cluster} queue: ${JSON.stringify(counts)} paused=${String(await queues.isPaused(cluster))} active=[${active.join(',')}]`);
    }
    return lines.join('\n');
  } catch (err) {
    return `(could not read the queues: ${String(err)})`;
  } finally {
    await queues.close().catch(() => undefined);
    redis.disconnect();
  }
}
