/**
 * An in-memory FederationLog: the seq counter, the events stream (capped exactly at `maxEvents`)
 * and the projection, with the real log's seq numbering, `appendIfChanged` no-ops, guards and
 * incarnations. Checked against the Redis log by federation-log.contract.ts.
 */
import { randomUUID } from 'node:crypto';
import {
  AppendEventInputSchema,
  describeIssues,
  type AppendEventInput,
  type FederationEvent,
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
}

export interface InMemoryFederationLog extends FederationLog {
  /** The projection entry of an object, synchronously (what `readProjection` resolves to). */
  projected(objectKey: ObjectKey): ProjectionState | undefined;
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
    const time = clock().toISOString();
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
    keys: { seq: keys.seq, events: keys.events, projection: keys.projection, incarnation: keys.incarnation },
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
    projected: (objectKey) => copy(projection.get(objectKey)),
    events: () => events.map(copy),
    loseData() {
      seq = 0;
      incarnation = undefined;
      events = [];
      projection.clear();
    },
  };
}
