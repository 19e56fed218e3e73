import { isAmkoFedError } from '@amko-fed/domain';
import { RedisCommandError } from './errors/redis-command-error.ts';

/**
 * Runs a Redis operation, wrapping anything that is not already one of our errors (an
 * AmkoFedError: InvalidRecordError, StoreChangedError, the cluster-name rule's InvalidNameError, …)
 * in RedisCommandError.
 */
export async function redisOperation<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isAmkoFedError(error)) throw error;
    throw new RedisCommandError(operation, { cause: error });
  }
}
