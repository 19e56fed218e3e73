/**
 * An in-memory FederationLog: the seq counter, the events stream (capped exactly at `maxEvents`)
 * and the projection, with the real log's seq numbering, `appendIfChanged` no-ops, guards and
 * incarnations. Checked against the Redis log by federation-log.contract.ts.
 */
import { randomUUID } from 'node:crypto';
import {
  AppendEventInputSchema,
  assertHistoryRetention,
  DEFAULT_HISTORY_RETENTION,
  describeIssues,
  type AppendEventInput,
  type FederationEvent,
  type HistoryChange,
  type HistoryEntry,
  type HistoryRetention,
  type ObjectKey,
  type ProjectionState,
} from '@amko-fed/domain';
import { InvalidRecordError } from '../errors/invalid-record-error.ts';
import { StoreChange, StoreChangedError } from '../errors/store-changed-error.ts';
import type { AppendResult, FederationLog, ProjectionListing, StoreGuard } from '../federation-log.ts';
import { DEFAULT_KEY_PREFIX, federationKeys } from '../names.ts';
import { createStreamIds, isAfter, type StreamIds } from './stream-ids.ts';

export interface InMemoryFederationLogOptions {
  /** Time of events and tombstones. @defaultValue `() => new Date()` */
  readonly clock?: () => Date;
  /** Events kept (older ones are dropped, exactly, where Redis trims approximately). @defaultValue 100000 */
  readonly maxEvents?: number;
  /** Only for `keys`. @defaultValue `{amko-fed}` */
  readonly prefix?: string;
  /** Shared with the results store of the same data set. */
  readonly streamIds?: StreamIds;
  /** @defaultValue DEFAULT_HISTORY_RETENTION */
  readonly history?: HistoryRetention;
}

/** The change stamp of an object's projection entry (what the Redis log keeps in `keys.changes`). */
export interface ChangeStamp {
  /** The projection entry's seq. */
  readonly seq: number;
  /** When the change was logged (the log's clock, ms). */
  readonly atMs: number;
  /** The seq the change replaced (0: the object had no entry). */
  readonly previousSeq: number;
}

export interface InMemoryFederationLog extends FederationLog {
  /** The projection entry of an object, synchronously (what `readProjection` resolves to). */
  projected(objectKey: ObjectKey): ProjectionState | undefined;
  /** The change stamp of an object's projection entry, synchronously. */
  changeStamp(objectKey: ObjectKey): ChangeStamp | undefined;
  /** Every event still kept, oldest first. */
  events(): readonly FederationEvent[];
  /** Forgets everything (counter, incarnation, events, projection), like a Redis FLUSHALL. */
  loseData(): void;
}

const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

export function createInMemoryFederationLog(options: InMemoryFederationLogOptions = {}): InMemoryFederationLog {
  const keys = federationKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
  const maxEvents = options.maxEvents ?? 100_000;
  if (!Number.isInteger(maxEvents) || maxEvents < 1) throw new RangeError('maxEvents must be a positive integer');
  const clock = options.clock ?? (() => new Date());
  const ids = options.streamIds ?? createStreamIds();
  let seq = 0;
  let incarnation: string | undefined;
  let events: FederationEvent[] = [];
  const projection = new Map<ObjectKey, ProjectionState>();
  const stamps = new Map<ObjectKey, ChangeStamp>();
  const retention = options.history ?? DEFAULT_HISTORY_RETENTION;
  assertHistoryRetention(retention);
  /** Per object, newest first, with the time in ms. */
  const history = new Map<ObjectKey, { entry: HistoryEntry; ms: number }[]>();

  function record(input: ReturnType<typeof AppendEventInputSchema.parse>, previous: ProjectionState | undefined, seq: number, now: Date): void {
    const change: HistoryChange = input.op === 'delete' ? 'deleted' : previous?.state === 'present' ? 'updated' : 'created';
    const object = input.op === 'upsert' ? input.object : previous?.state === 'present' ? previous.object : undefined;
    const entry: HistoryEntry = {
      seq, change, objectKey: input.objectKey, time: now.toISOString(), resourceVersion: input.resourceVersion,
      ...(input.contentHash === undefined || input.contentHash === '' ? {} : { contentHash: input.contentHash }),
      managers: [...(input.managers ?? [])],
      ...(input.leader === undefined ? {} : { leader: input.leader }),
      ...(input.epoch === undefined ? {} : { epoch: input.epoch }),
      ...(object === undefined ? {} : { object: copy(object) }),
    };
    const ms = now.getTime();
    const cutoff = ms - retention.maxAgeMs;
    const kept = [{ entry, ms }, ...(history.get(input.objectKey) ?? [])].slice(0, retention.maxVersions);
    while (kept.length > 1 && (kept.at(-1)?.ms ?? 0) < cutoff) kept.pop();
    history.set(input.objectKey, kept);
  }

  function check(guard: StoreGuard | undefined): void {
    if (guard === undefined || guard.incarnation === '') return;
    if (incarnation !== guard.incarnation) throw new StoreChangedError(StoreChange.replaced);
    if (seq < guard.minSeq) throw new StoreChangedError(StoreChange.rolledBack);
  }

  function append(mode: 'always' | 'ifChanged', raw: AppendEventInput, guard: StoreGuard | undefined): AppendResult {
    const parsed = AppendEventInputSchema.safeParse(raw);
    if (!parsed.success) throw new InvalidRecordError('event input', describeIssues(parsed.error), { cause: parsed.error });
    const input = parsed.data;
    check(guard);
    if (mode === 'ifChanged') {
      const current = projection.get(input.objectKey);
      if (current === undefined && input.op === 'delete') return { appended: false, seq: 0 };
      if (current?.state === 'absent' && input.op === 'delete') return { appended: false, seq: current.seq };
      if (current?.state === 'present' && input.op === 'upsert' && current.contentHash === input.contentHash) {
        return { appended: false, seq: current.seq };
      }
    }
    seq += 1;
    const now = clock();
    const time = now.toISOString();
    record(input, projection.get(input.objectKey), seq, now);
    stamps.set(input.objectKey, { seq, atMs: now.getTime(), previousSeq: projection.get(input.objectKey)?.seq ?? 0 });
    const object = copy(input.object);
    events.push({
      id: ids.next(), seq, op: input.op, objectKey: input.objectKey, kind: input.kind, resourceVersion: input.resourceVersion,
      generation: input.generation, contentHash: input.contentHash, object, time, source: input.source,
    });
    if (events.length > maxEvents) events = events.slice(events.length - maxEvents);
    projection.set(
      input.objectKey,
      input.op === 'upsert'
        ? {
            state: 'present', object: object ?? {}, contentHash: input.contentHash ?? '', seq,
            resourceVersion: input.resourceVersion, generation: input.generation, updatedAt: time,
          }
        : { state: 'absent', seq, resourceVersion: input.resourceVersion, deletedAt: time },
    );
    return { appended: true, seq };
  }

  async function* scanProjection(_pageSize = 500): AsyncIterable<ProjectionListing> {
    for (const [objectKey, entry] of [...projection]) yield { objectKey, entry: copy(entry) };
  }

  return {
    keys: { seq: keys.seq, events: keys.events, projection: keys.projection, changes: keys.changes, incarnation: keys.incarnation, historyIndex: keys.historyIndex },
    appendEvent: async (input, guard) => append('always', input, guard).seq,
    appendIfChanged: async (input, guard) => append('ifChanged', input, guard),
    storeState: async () => ({ incarnation, seq }),
    async claimIncarnation({ mode, minSeq = 0 }) {
      if (mode === 'ifAbsent' && incarnation !== undefined) return { incarnation, seq, created: false };
      seq = Math.max(seq, Math.max(0, Math.floor(minSeq)));
      incarnation = randomUUID();
      return { incarnation, seq, created: true };
    },
    readProjection: async (objectKey) => copy(projection.get(objectKey)),
    scanProjection,
    async listProjection() {
      const all: ProjectionListing[] = [];
      for await (const listing of scanProjection()) all.push(listing);
      return all;
    },
    async readEvents({ fromId, count }) {
      const page = events.filter((event) => isAfter(event.id, fromId)).slice(0, count).map(copy);
      return { events: page, lastId: page.at(-1)?.id ?? fromId };
    },
    latestSeq: async () => seq,
    readHistory: async (objectKey) => (history.get(objectKey) ?? []).map(({ entry }) => copy(entry)),
    listHistory: async () => [...history.keys()].sort(),
    async pruneHistory() {
      const cutoff = clock().getTime() - retention.maxAgeMs;
      let removedObjects = 0;
      let droppedEntries = 0;
      for (const [objectKey, entries] of [...history]) {
        if ((entries[0]?.ms ?? 0) >= cutoff) continue;
        if (projection.get(objectKey)?.state === 'present') {
          droppedEntries += entries.length - 1;
          history.set(objectKey, entries.slice(0, 1));
        } else {
          droppedEntries += entries.length;
          removedObjects += 1;
          history.delete(objectKey);
        }
      }
      return { removedObjects, droppedEntries };
    },
    async pruneTombstone(objectKey, tombstoneSeq) {
      const entry = projection.get(objectKey);
      if (entry?.state !== 'absent' || entry.seq !== tombstoneSeq) return false;
      projection.delete(objectKey);
      stamps.delete(objectKey);
      return true;
    },
    projected: (objectKey) => copy(projection.get(objectKey)),
    changeStamp: (objectKey) => stamps.get(objectKey),
    events: () => events.map(copy),
    loseData() {
      seq = 0;
      incarnation = undefined;
      events = [];
      projection.clear();
      stamps.clear();
      history.clear();
    },
  };
}
