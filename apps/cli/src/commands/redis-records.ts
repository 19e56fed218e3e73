import { createFederationLog, createFollowerQueues, createMemberRegistry, createRedisConnection, createResultsStore, redactRedisUrl } from '@amko-fed/queue';
import { CliError, EXIT_USAGE } from '../cli-error.ts';

export interface RedisSelection {
  readonly redisUrl: string | undefined;
  readonly keyPrefix: string;
}

/** Connects to the federation's Redis (fails fast, names the URL without its password). */
export async function openRecords(selection: RedisSelection) {
  if (!selection.redisUrl) throw new CliError('no Redis given: pass --redis-url redis://HOST:6379 or set REDIS_URL', EXIT_USAGE);
  let redis;
  // ioredis emits every connection error as an 'error' event too; without a listener it prints an
  // "[ioredis] Unhandled error event" trace. The first one is the useful reason ("connect ECONNREFUSED …").
  let firstError: Error | undefined;
  try {
    redis = createRedisConnection(selection.redisUrl, { role: 'client', lazyConnect: true, maxRetriesPerRequest: 1, overrides: { retryStrategy: () => null, connectTimeout: 3000 } });
    redis.on('error', (err: Error) => {
      firstError ??= err;
    });
    await redis.connect();
  } catch (err) {
    redis?.disconnect();
    const reason = firstError?.message ?? (err as Error).message;
    throw new CliError(`cannot connect to Redis at ${redactRedisUrl(selection.redisUrl)}: ${reason}`, 1, { cause: err });
  }
  const prefix = selection.keyPrefix;
  const queues = createFollowerQueues({ connection: redis, prefix });
  return {
    redis,
    prefix,
    registry: createMemberRegistry({ redis, prefix }),
    log: createFederationLog({ redis, prefix }),
    results: createResultsStore({ redis, prefix }),
    queues,
    async close() {
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
