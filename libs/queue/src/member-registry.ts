/**
 * The member registry: one JSON document (which followers are valid, invalid or stopped, and why)
 * plus a pub/sub notification, so replicators start and stop workers within milliseconds. Pub/sub
 * is at-most-once, so watchers also re-read on every (re)connect and on a slow poll.
 */
import {
  describeIssues,
  MembersDocumentSchema,
  PublishMembersInputSchema,
  type MembersDocument,
  type PublishMembersInput,
} from '@amko-fed/domain';
import { duplicateForBlocking, type RedisConnection } from './connection.ts';
import { InvalidRecordError } from './errors/invalid-record-error.ts';
import { RedisCommandError } from './errors/redis-command-error.ts';
import { defineLuaScript } from './lua-script.ts';
import { DEFAULT_KEY_PREFIX, federationKeys } from './names.ts';
import { redisOperation } from './redis-operation.ts';

/**
 * KEYS[1] registry hash {revision, document}; ARGV[1] document JSON without "revision";
 * ARGV[2] channel. Returns the new revision.
 */
const publishScript = defineLuaScript(`
local revision = redis.call('HINCRBY', KEYS[1], 'revision', 1)
redis.call('HSET', KEYS[1], 'document', '{"revision":' .. string.format('%d', revision) .. ',' .. string.sub(ARGV[1], 2))
redis.call('PUBLISH', ARGV[2], revision)
return revision
`);

export interface MemberRegistryOptions {
  /** A `client` connection; owned by the caller. `watchMembers` duplicates it for pub/sub. */
  readonly redis: RedisConnection;
  /** @defaultValue `{amko-fed}` */
  readonly prefix?: string;
  /** @defaultValue `() => new Date()` */
  readonly clock?: () => Date;
}

export interface WatchMembersOptions {
  /** Called when reading the registry or `onChange` fails; the watch keeps going. */
  readonly onError: (error: unknown) => void;
  /** Safety-net re-read interval (pub/sub can drop messages). @defaultValue 30000 */
  readonly pollIntervalMs?: number;
}

export interface MemberRegistry {
  /** Stores the document, bumps the revision and notifies watchers; returns the stored document. */
  publishMembers(input: PublishMembersInput): Promise<MembersDocument>;
  readMembers(): Promise<MembersDocument | undefined>;
  /**
   * Calls `onChange` with the current document, then whenever its revision changes (calls never
   * overlap). Returns an unsubscribe function that closes the subscriber connection.
   */
  watchMembers(
    onChange: (document: MembersDocument) => void | Promise<void>,
    options: WatchMembersOptions,
  ): Promise<() => Promise<void>>;
}

export function createMemberRegistry(options: MemberRegistryOptions): MemberRegistry {
  const { redis } = options;
  const keys = federationKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
  const clock = options.clock ?? (() => new Date());

  async function readMembers(): Promise<MembersDocument | undefined> {
    const raw = await redisOperation('readMembers', () => redis.hget(keys.members, 'document'));
    if (raw === null) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new InvalidRecordError('member registry', ['not JSON'], { cause: error });
    }
    const parsed = MembersDocumentSchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidRecordError('member registry', describeIssues(parsed.error), { cause: parsed.error });
    }
    return parsed.data;
  }

  return {
    async publishMembers(input) {
      const parsed = PublishMembersInputSchema.safeParse(input);
      if (!parsed.success) {
        throw new InvalidRecordError('member registry input', describeIssues(parsed.error), { cause: parsed.error });
      }
      const body = { ...parsed.data, at: clock().toISOString() };
      const revision = await redisOperation('publishMembers', () =>
        publishScript.run(redis, [keys.members], [JSON.stringify(body), keys.membersChannel]),
      );
      return MembersDocumentSchema.parse({ revision: Number(revision), ...body });
    },

    readMembers,

    async watchMembers(onChange, watchOptions) {
      const subscriber = duplicateForBlocking(redis, 'amko-fed-members-watch');
      let lastRevision: number | undefined;
      let closed = false;
      let chain: Promise<void> = Promise.resolve();

      const refresh = (): void => {
        chain = chain.then(async () => {
          if (closed) return;
          try {
            const document = await readMembers();
            // A different revision (also a lower one: Redis lost the registry) is a change.
            if (closed || document === undefined || document.revision === lastRevision) return;
            lastRevision = document.revision;
            await onChange(document);
          } catch (error) {
            watchOptions.onError(error);
          }
        });
      };

      subscriber.on('message', (channel: string) => {
        if (channel === keys.membersChannel) refresh();
      });
      // After a reconnect ioredis resubscribes; anything published meanwhile is read here.
      subscriber.on('ready', refresh);
      subscriber.on('error', (error: unknown) => watchOptions.onError(error));
      const poll = setInterval(refresh, watchOptions.pollIntervalMs ?? 30_000);
      poll.unref();

      try {
        await subscriber.subscribe(keys.membersChannel);
      } catch (error) {
        clearInterval(poll);
        subscriber.disconnect();
        throw new RedisCommandError('watchMembers', { cause: error });
      }
      refresh();
      await chain;

      return async () => {
        closed = true;
        clearInterval(poll);
        await chain;
        await subscriber.quit().catch(() => subscriber.disconnect());
      };
    },
  };
}
