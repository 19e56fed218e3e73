/**
 * A Redis hash read with HSCAN, `pageSize` fields a call: each field once (HSCAN may return one
 * more than once while the hash is rehashed), in no set order. What the projection listing and the
 * results load share, so neither holds a whole hash of 100,000 fields at once.
 */
import type { RedisConnection } from './connection.ts';
import { redisOperation } from './redis-operation.ts';

/** The [field, value] pairs of the hash at `key`; Redis errors as RedisCommandError(`operation`). */
export async function* scanHash(redis: RedisConnection, key: string, pageSize: number, operation: string): AsyncGenerator<readonly [string, string]> {
  const seen = new Set<string>();
  let cursor = '0';
  do {
    const [next, flat] = await redisOperation(operation, () => redis.hscan(key, cursor, 'COUNT', pageSize));
    cursor = next;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const field = flat[i] ?? '';
      if (seen.has(field)) continue;
      seen.add(field);
      yield [field, flat[i + 1] ?? ''];
    }
  } while (cursor !== '0');
}
