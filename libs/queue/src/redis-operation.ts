import { QueueError } from './errors/queue-error.ts';
import { RedisCommandError } from './errors/redis-command-error.ts';

/** Runs a Redis operation, wrapping anything that is not already a QueueError in RedisCommandError. */
export async function redisOperation<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof QueueError) throw error;
    throw new RedisCommandError(operation, { cause: error });
  }
}
