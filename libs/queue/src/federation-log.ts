/**
 * The federation log: a capped events stream (history, for tools) and the projection (latest
 * state per object, with tombstones) that workers read at run time. Both are written by one Lua
 * script together with the seq counter.
 */
import { randomUUID } from 'node:crypto';
import {
  AppendEventInputSchema,
  assertHistoryRetention,
  DEFAULT_HISTORY_RETENTION,
  describeIssues,
  type AppendEventInput,
  type FederationEvent,
  type HistoryEntry,
  type HistoryRetention,
  type ObjectKey,
  type ProjectionState,
} from '@amko-fed/domain';
import type { RedisConnection } from './connection.ts';
import { InvalidRecordError } from './errors/invalid-record-error.ts';
import { StoreChange, StoreChangedError } from './errors/store-changed-error.ts';
import { parseEvent, parseProjectionEntry } from './federation-log-codec.ts';
import { appendEventScript, claimIncarnationScript, pruneHistoryScript, pruneTombstoneScript } from './federation-log-script.ts';
import { historyBody, parseHistoryEntry } from './history-codec.ts';
import { scanHash } from './hash-scan.ts';
import { DEFAULT_KEY_PREFIX, federationKeys, type FederationKeys } from './names.ts';
import { redisOperation } from './redis-operation.ts';

export interface FederationLogOptions {
  /** A `client` connection; owned by the caller. */
  readonly redis: RedisConnection;
  /** @defaultValue `{amko-fed}` */
  readonly prefix?: string;
  /** Approximate cap of the events stream (XADD MAXLEN ~). @defaultValue 100000 */
  readonly maxEvents?: number;
  /** Time source for event/tombstone times. @defaultValue `() => new Date()` */
  readonly clock?: () => Date;
  /** How much history is kept per object. @defaultValue DEFAULT_HISTORY_RETENTION (50 versions, 30 days) */
  readonly history?: HistoryRetention;
}

export interface PruneHistoryResult {
  /** Objects whose whole history went (deleted longer ago than the retention age). */
  readonly removedObjects: number;
  /** History entries dropped in all. */
  readonly droppedEntries: number;
}

export interface AppendResult {
  /** False when `appendIfChanged` found the projection already equal. */
  readonly appended: boolean;
  /** The new event's seq, or the projection's current seq (0 for an unknown object) when not appended. */
  readonly seq: number;
}

/**
 * What a writer knows of the data set it writes into: appends guarded with it are refused
 * (`StoreChangedError`, nothing written) when Redis lost or replaced its data since.
 */
export interface StoreGuard {
  /** The incarnation id the writer loaded its view with. */
  readonly incarnation: string;
  /** The highest seq the writer has seen: a lower counter means Redis went back to an older snapshot. */
  readonly minSeq: number;
}

/** The data set's identity as Redis holds it now. */
export interface StoreState {
  /** Undefined when no incarnation was ever written (or Redis lost it). */
  readonly incarnation: string | undefined;
  /** The seq counter (0 when absent). */
  readonly seq: number;
}

export interface ClaimedIncarnation {
  readonly incarnation: string;
  /** The seq counter after the claim. */
  readonly seq: number;
  /** False when an existing incarnation was kept (`ifAbsent`). */
  readonly created: boolean;
}

export interface ClaimIncarnationOptions {
  /** `ifAbsent`: keep an existing incarnation; `replace`: always take a new one. */
  readonly mode: 'ifAbsent' | 'replace';
  /** The counter continues from at least this seq (the writer's highest seen). @defaultValue 0 */
  readonly minSeq?: number;
}

export interface ProjectionListing {
  readonly objectKey: ObjectKey;
  readonly entry: ProjectionState;
}

export interface ReadEventsOptions {
  /** Return events strictly after this stream id. @defaultValue the beginning of the stream */
  readonly fromId?: string;
  readonly count: number;
}

export interface ReadEventsResult {
  readonly events: FederationEvent[];
  /** Id of the last returned event (pass as `fromId` for the next page), or `fromId` when none. */
  readonly lastId: string | undefined;
}

export interface FederationLog {
  /**
   * Appends an event and updates the projection, atomically; returns the new seq. With a guard,
   * throws `StoreChangedError` (writing nothing) when Redis no longer holds the guard's data set.
   */
  appendEvent(input: AppendEventInput, guard?: StoreGuard): Promise<number>;
  /** Like appendEvent, but a no-op when the projection already has this content (or absence). */
  appendIfChanged(input: AppendEventInput, guard?: StoreGuard): Promise<AppendResult>;
  /** The incarnation and seq counter, in one round trip. */
  storeState(): Promise<StoreState>;
  /** Writes an incarnation id (see ClaimIncarnationOptions); the watcher holding the Lease calls it. */
  claimIncarnation(options: ClaimIncarnationOptions): Promise<ClaimedIncarnation>;
  readProjection(objectKey: ObjectKey): Promise<ProjectionState | undefined>;
  /** Every projection entry (HSCAN pages; entries written during the scan may or may not appear). */
  scanProjection(pageSize?: number): AsyncIterable<ProjectionListing>;
  listProjection(): Promise<ProjectionListing[]>;
  readEvents(options: ReadEventsOptions): Promise<ReadEventsResult>;
  /** The last assigned seq (0 before the first event). */
  latestSeq(): Promise<number>;
  /**
   * The retained history of one object, newest first (empty when none is kept). Every append
   * writes an entry, trimmed to the retention's versions and age (the newest entry always stays).
   */
  readHistory(objectKey: ObjectKey): Promise<HistoryEntry[]>;
  /** Every object with retained history, sorted. */
  listHistory(): Promise<ObjectKey[]>;
  /**
   * Applies the age retention to objects that stopped changing: an existing object keeps only its
   * newest entry once that is older than the age, a deleted one loses its history.
   */
  pruneHistory(): Promise<PruneHistoryResult>;
  /**
   * Removes a tombstone when the projection still holds it at `seq` (returns true); a newer change
   * keeps the entry. Call it once every follower has applied the deletion (`isTombstoneApplied`).
   */
  pruneTombstone(objectKey: ObjectKey, seq: number): Promise<boolean>;
  readonly keys: Pick<FederationKeys, 'seq' | 'events' | 'projection' | 'changes' | 'incarnation' | 'historyIndex'>;
}

const DEFAULT_MAX_EVENTS = 100_000;

export function createFederationLog(options: FederationLogOptions): FederationLog {
  const { redis } = options;
  const keys = federationKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  if (!Number.isInteger(maxEvents) || maxEvents < 1) throw new RangeError('maxEvents must be a positive integer');
  const clock = options.clock ?? (() => new Date());
  const retention = options.history ?? DEFAULT_HISTORY_RETENTION;
  assertHistoryRetention(retention);

  async function append(mode: 'always' | 'ifChanged', raw: AppendEventInput, guard: StoreGuard | undefined): Promise<AppendResult> {
    const parsed = AppendEventInputSchema.safeParse(raw);
    if (!parsed.success) {
      throw new InvalidRecordError('event input', describeIssues(parsed.error), { cause: parsed.error });
    }
    const input = parsed.data;
    const now = clock();
    const time = now.toISOString();
    const objectJson = input.object === undefined ? '' : JSON.stringify(input.object);
    const generation = input.generation === undefined ? {} : { generation: input.generation };
    // The entry without "seq"; the script prepends it. The object is spliced in verbatim.
    const entryBody =
      input.op === 'upsert'
        ? `${JSON.stringify({
            state: 'present',
            resourceVersion: input.resourceVersion,
            ...generation,
            contentHash: input.contentHash,
            updatedAt: time,
          }).slice(0, -1)},"object":${objectJson}}`
        : JSON.stringify({ state: 'absent', resourceVersion: input.resourceVersion, deletedAt: time });
    const reply = await redisOperation(mode === 'always' ? 'appendEvent' : 'appendIfChanged', () =>
      appendEventScript.run(
        redis,
        [keys.seq, keys.events, keys.projection, keys.incarnation, keys.historyOf(input.objectKey), keys.historyIndex, keys.changes],
        [
          mode,
          input.op,
          input.objectKey,
          input.kind,
          input.resourceVersion,
          input.generation === undefined ? '' : String(input.generation),
          input.contentHash ?? '',
          objectJson,
          time,
          input.source,
          maxEvents,
          entryBody,
          guard?.incarnation ?? '',
          guard?.minSeq ?? 0,
          historyBody(input, time, objectJson),
          now.getTime(),
          retention.maxVersions,
          now.getTime() - retention.maxAgeMs,
        ],
      ),
    );
    if (!Array.isArray(reply) || reply.length !== 2) {
      throw new InvalidRecordError('appendEvent reply', ['expected [appended, seq]']);
    }
    if (Number(reply[0]) === -1) throw new StoreChangedError(StoreChange.replaced);
    if (Number(reply[0]) === -2) throw new StoreChangedError(StoreChange.rolledBack);
    return { appended: Number(reply[0]) === 1, seq: Number(reply[1]) };
  }

  async function* scanProjection(pageSize = 500): AsyncIterable<ProjectionListing> {
    for await (const [field, raw] of scanHash(redis, keys.projection, pageSize, 'scanProjection')) {
      yield { objectKey: field as ObjectKey, entry: parseProjectionEntry(field, raw) };
    }
  }

  return {
    keys: { seq: keys.seq, events: keys.events, projection: keys.projection, changes: keys.changes, incarnation: keys.incarnation, historyIndex: keys.historyIndex },
    appendEvent: async (input, guard) => (await append('always', input, guard)).seq,
    appendIfChanged: (input, guard) => append('ifChanged', input, guard),
    async storeState() {
      const [incarnation, seq] = await redisOperation('storeState', () => redis.mget(keys.incarnation, keys.seq));
      return { incarnation: incarnation ?? undefined, seq: seq === null || seq === undefined ? 0 : Number(seq) };
    },
    async claimIncarnation({ mode, minSeq = 0 }) {
      const floor = Math.max(0, Math.floor(minSeq));
      const reply = await redisOperation('claimIncarnation', () =>
        claimIncarnationScript.run(redis, [keys.incarnation, keys.seq], [mode, randomUUID(), String(floor)]),
      );
      if (!Array.isArray(reply) || reply.length !== 3) {
        throw new InvalidRecordError('claimIncarnation reply', ['expected [incarnation, seq, created]']);
      }
      return { incarnation: String(reply[0]), seq: Number(reply[1]), created: Number(reply[2]) === 1 };
    },
    async readProjection(objectKey) {
      const raw = await redisOperation('readProjection', () => redis.hget(keys.projection, objectKey));
      return raw === null ? undefined : parseProjectionEntry(objectKey, raw);
    },
    scanProjection,
    async listProjection() {
      const all: ProjectionListing[] = [];
      for await (const listing of scanProjection()) all.push(listing);
      return all;
    },
    async readEvents({ fromId, count }) {
      const start = fromId === undefined ? '-' : `(${fromId}`;
      const entries = await redisOperation('readEvents', () => redis.xrange(keys.events, start, '+', 'COUNT', count));
      const events = entries.map(([id, fields]) => parseEvent(id, fields));
      return { events, lastId: events.at(-1)?.id ?? fromId };
    },
    async latestSeq() {
      const raw = await redisOperation('latestSeq', () => redis.get(keys.seq));
      return raw === null ? 0 : Number(raw);
    },
    async readHistory(objectKey) {
      const raw = await redisOperation('readHistory', () => redis.lrange(keys.historyOf(objectKey), 0, -1));
      return raw.map((entry) => parseHistoryEntry(objectKey, entry));
    },
    async listHistory() {
      const members = await redisOperation('listHistory', () => redis.zrange(keys.historyIndex, 0, -1));
      return (members as ObjectKey[]).sort();
    },
    async pruneHistory() {
      const cutoff = clock().getTime() - retention.maxAgeMs;
      const stale = await redisOperation('pruneHistory', () => redis.zrangebyscore(keys.historyIndex, '-inf', `(${cutoff}`));
      let removedObjects = 0;
      let droppedEntries = 0;
      for (let i = 0; i < stale.length; i += 100) {
        const batch = stale.slice(i, i + 100);
        const reply = await redisOperation('pruneHistory', () =>
          pruneHistoryScript.run(redis, [keys.historyIndex, keys.projection, ...batch.map((key) => keys.historyOf(key))], [cutoff, ...batch]),
        );
        if (!Array.isArray(reply) || reply.length !== 2) throw new InvalidRecordError('pruneHistory reply', ['expected [removed, dropped]']);
        removedObjects += Number(reply[0]);
        droppedEntries += Number(reply[1]);
      }
      return { removedObjects, droppedEntries };
    },
    async pruneTombstone(objectKey, seq) {
      const reply = await redisOperation('pruneTombstone', () => pruneTombstoneScript.run(redis, [keys.projection, keys.changes], [objectKey, String(seq)]));
      return Number(reply) === 1;
    },
  };
}
