/**
 * The wait for Redis at start: a Redis maintenance must not crash-loop the pod. ioredis keeps
 * reconnecting by itself (reconnectDelay); this only checks both connections, with its own capped
 * backoff (100 ms doubling to 5 s), and says so: once, then every tenth check.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { RedisHealth } from './adapters.ts';

/** Pause between Redis checks while waiting for it at start: 100 ms doubling to 5 s. */
export function redisWaitDelay(attempt: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(attempt, 16));
}

/** Resolves true once both connections answer, false when `signal` aborts first. */
export async function waitForRedis(redis: RedisHealth, logger: Logger, signal: AbortSignal): Promise<boolean> {
  for (let attempt = 0; !signal.aborted; attempt += 1) {
    const [problem, worker] = await Promise.all([redis.problem(), redis.workerProblem()]);
    if (problem === undefined && worker === undefined) {
      if (attempt > 0) logger.info({ redis: redis.target, checks: attempt + 1 }, 'Redis is reachable; taking up replication');
      return true;
    }
    if (attempt % 10 === 0) {
      logger.warn({ redis: redis.target, reason: problem ?? worker, checks: attempt + 1 }, 'Waiting for Redis before taking up replication');
    }
    await sleep(redisWaitDelay(attempt), undefined, { signal }).catch(() => undefined);
  }
  return false;
}
