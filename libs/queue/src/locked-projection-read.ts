/**
 * The replicator's last step before it plans a write: renew the job's lock, make sure it is still
 * this worker's (ADR 0009), and read the object's latest projection entry, in one round trip.
 *
 * The lock part is BullMQ's own `extendLock` script, word for word (GET the lock key, compare the
 * token, SET it with the new expiry, take the job out of the stalled set), on BullMQ's key layout
 * as its public `Job.queueQualifiedName` gives it: `<prefix>:<queue>:<jobId>:lock` and
 * `<prefix>:<queue>:stalled`. The projection is read only when the lock is held, so an attempt
 * that lost its job learns nothing it could act on. All keys share the prefix's hash tag, so the
 * script is valid on Redis Cluster.
 */
import type { ObjectKey, ProjectionState } from '@amko-fed/domain';
import type { RedisConnection } from './connection.ts';
import { InvalidRecordError } from './errors/invalid-record-error.ts';
import { parseProjectionEntry } from './federation-log-codec.ts';
import { defineLuaScript } from './lua-script.ts';
import { DEFAULT_KEY_PREFIX, federationKeys } from './names.ts';
import { redisOperation } from './redis-operation.ts';

/** A BullMQ job's lock as the worker processing it holds it. */
export interface HeldJobLock {
  /** `Job.queueQualifiedName`: the BullMQ prefix and the queue's name, `<prefix>:<queue>`. */
  readonly queueQualifiedName: string;
  readonly jobId: string;
  /** The token the worker took the job with. */
  readonly token: string;
  /** The lock's new expiry from now. */
  readonly durationMs: number;
}

export type LockedProjectionRead =
  /** The lock was still ours and now runs `durationMs` from the read; `entry` is undefined when the projection has none. */
  | { readonly held: true; readonly entry: ProjectionState | undefined }
  /** Another worker holds the job (or nobody does): nothing was renewed or read. */
  | { readonly held: false };

export interface LockedProjectionReaderOptions {
  readonly redis: RedisConnection;
  /** @defaultValue `{amko-fed}` */
  readonly prefix?: string;
}

export type LockedProjectionReader = (objectKey: ObjectKey, lock: HeldJobLock) => Promise<LockedProjectionRead>;

const script = defineLuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) then return {0} end
redis.call('SREM', KEYS[2], ARGV[3])
return {1, redis.call('HGET', KEYS[3], ARGV[4])}
`);

export function createLockedProjectionReader(options: LockedProjectionReaderOptions): LockedProjectionReader {
  const { redis } = options;
  const projection = federationKeys(options.prefix ?? DEFAULT_KEY_PREFIX).projection;
  return async (objectKey, lock) => {
    const reply = await redisOperation('readProjectionHoldingLock', () =>
      script.run(redis, [`${lock.queueQualifiedName}:${lock.jobId}:lock`, `${lock.queueQualifiedName}:stalled`, projection], [lock.token, lock.durationMs, lock.jobId, objectKey]),
    );
    if (!Array.isArray(reply) || (reply[0] !== 0 && reply[0] !== 1)) throw new InvalidRecordError('readProjectionHoldingLock reply', ['expected [0] or [1, entry]']);
    if (reply[0] === 0) return { held: false };
    const raw: unknown = reply[1];
    // Lua turns a missing field (false) into a nil that ends the reply: [1] alone.
    if (raw === undefined || raw === null) return { held: true, entry: undefined };
    if (typeof raw !== 'string') throw new InvalidRecordError(`projection entry ${objectKey}`, ['not a string']);
    return { held: true, entry: parseProjectionEntry(objectKey, raw) };
  };
}
