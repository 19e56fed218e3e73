/**
 * The results store: the latest result per (follower, object) in one hash per follower, and every
 * result appended to a capped stream that the watcher's status aggregator follows.
 *
 * Error messages are stored as given, cut to MAX_ERROR_MESSAGE_LENGTH: callers must pass
 * secret-free text (the replicator redacts tokens and URLs before recording).
 */
import {
  assertClusterName,
  capErrorMessage,
  describeIssues,
  ResultRecordSchema,
  type ObjectKey,
  type ResultRecord,
  type ResultRecordInput,
  type ResultStreamEntry,
} from '@amko-fed/domain';
import { duplicateForBlocking, type RedisConnection } from './connection.ts';
import { InvalidRecordError } from './errors/invalid-record-error.ts';
import { scanHash } from './hash-scan.ts';
import { defineLuaScript, LUA_NOW_MS } from './lua-script.ts';
import { DEFAULT_KEY_PREFIX, federationKeys } from './names.ts';
import { redisOperation } from './redis-operation.ts';
import { createStoppableWait } from './stoppable-wait.ts';

/**
 * KEYS[1] cluster's results hash, KEYS[2] clusters set, KEYS[3] results stream, KEYS[4] projection,
 * KEYS[5] change stamps (see federation-log-script). ARGV[1] cluster, ARGV[2] objectKey, ARGV[3]
 * record JSON, ARGV[4] stream MAXLEN (~), ARGV[5] "1" to record only while the projection holds the
 * object at ARGV[6] (the record's seq) or later.
 * Returns {stream id or false when not recorded, the projection's seq of the object (0 when it has
 * no entry; only read with ARGV[5] "1", else 0), and when that seq is above ARGV[6] and stamped:
 * the seq its change replaced and how many ms ago (Redis's clock) it was made, else false, false}.
 */
const recordScript = defineLuaScript(`${LUA_NOW_MS}
local projected = 0
local previous = false
local ago = false
if ARGV[5] == '1' then
  local recorded = tonumber(ARGV[6])
  local entry = redis.call('HGET', KEYS[4], ARGV[2])
  if entry then projected = tonumber(string.match(entry, '^{"seq":(%d+)')) or 0 end
  if projected < recorded then
    return {false, projected, false, false}
  end
  if projected > recorded then
    local stamp = redis.call('HGET', KEYS[5], ARGV[2])
    local seq, ms, before = string.match(stamp or '', '^(%d+):(%d+):(%d+)$')
    if seq and tonumber(seq) == projected then
      previous = tonumber(before)
      ago = math.max(0, nowMs() - tonumber(ms))
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
return {redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*',
  'type', 'result', 'cluster', ARGV[1], 'objectKey', ARGV[2], 'record', ARGV[3]), projected, previous, ago}
`);

/** KEYS as above; ARGV[1] cluster, ARGV[2] MAXLEN. Returns the stream id of the marker. */
const clearScript = defineLuaScript(`
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'type', 'cleared', 'cluster', ARGV[1])
`);

/**
 * KEYS: results hashes of every cluster with results. ARGV[1] objectKey, ARGV[2] highest seq.
 * Removes the object's result from each hash where it is about that seq or an older one.
 * Returns how many were removed.
 */
const forgetScript = defineLuaScript(`
local removed = 0
for i = 1, #KEYS do
  local raw = redis.call('HGET', KEYS[i], ARGV[1])
  if raw then
    local ok, record = pcall(cjson.decode, raw)
    if ok and type(record) == 'table' and type(record.seq) == 'number' and record.seq <= tonumber(ARGV[2]) then
      redis.call('HDEL', KEYS[i], ARGV[1])
      removed = removed + 1
    end
  end
end
return removed
`);

export interface ResultsStoreOptions {
  /** A `client` connection; owned by the caller. `followResults` duplicates it for XREAD BLOCK. */
  readonly redis: RedisConnection;
  /** @defaultValue `{amko-fed}` */
  readonly prefix?: string;
  /** Approximate cap of the results stream. @defaultValue 100000 */
  readonly maxStreamLength?: number;
}

/** The projection's newest change of an object, as the result record found it. */
export interface LatestChange {
  /** The seq that change replaced (0: the object had no entry): above the result's seq when the object changed twice or more since. */
  readonly previousSeq: number;
  /** How long before the record, on Redis's clock, the change was logged (ms, never negative). */
  readonly agoMs: number;
}

/** What `recordResultIfProjected` did. */
export interface RecordedResult {
  /** The stream id, or undefined when the projection did not hold the result's seq (nothing recorded). */
  readonly id: string | undefined;
  /** The projection's seq of the object when the result was checked (0: no entry). */
  readonly projectedSeq: number;
  /**
   * Set when `projectedSeq` is above the result's seq (the object changed since) and the log
   * stamped that change; undefined otherwise, or when the stamp is gone (a data set written
   * before stamps, or restored from a snapshot).
   */
  readonly latestChange?: LatestChange;
}

export interface ResultsPage {
  readonly entries: ResultStreamEntry[];
  /** The last returned id (pass it back to continue), or the id given when nothing was new. */
  readonly lastId: string;
}

export interface FollowResultsOptions {
  /**
   * Called for connection errors, undecodable entries (skipped) and `onBatch` failures (that batch
   * is not delivered again); following continues with the next read.
   */
  readonly onError: (error: unknown) => void;
  /** XREAD BLOCK timeout; also bounds how long `stop()` may wait. @defaultValue 2000 */
  readonly blockMs?: number;
  /** Largest batch. @defaultValue 500 */
  readonly count?: number;
  /**
   * After delivering a batch smaller than `count`, how long to wait before reading again, so that
   * results recorded close together arrive as one batch (one read and one `onBatch` instead of one
   * per result); after a full batch the next read follows at once. `stop()` cuts the wait short.
   * @defaultValue 0
   */
  readonly gatherMs?: number;
}

export interface ResultsFollower {
  /** Stops following and closes the dedicated connection; resolves after the last batch. */
  stop(): Promise<void>;
  /** Id of the last entry delivered to `onBatch`. */
  readonly lastId: string;
}

export interface ResultsStore {
  /** Validates (cutting `errorMessage`), stores and streams a result; returns its stream id. */
  recordResult(input: ResultRecordInput): Promise<string>;
  /**
   * `recordResult` only while the projection holds the object at the result's seq or later (id
   * undefined otherwise: a result of an attempt that read a data set Redis has since lost —
   * restarted empty, flushed, an older snapshot — describes a state the projection no longer knows,
   * and must not look newer than the rebuilt one), with the projection's seq of the object read in
   * the same round trip, and how that newest change came about (`latestChange`): the replicator
   * learns whether the object changed while it was applied without reading the projection again.
   */
  recordResultIfProjected(input: ResultRecordInput): Promise<RecordedResult>;
  readResult(cluster: string, objectKey: ObjectKey): Promise<ResultRecord | undefined>;
  /** All latest results of one cluster, or of every cluster with results. */
  readResults(cluster?: string): Promise<ResultRecord[]>;
  /**
   * The same results, a page (`pageSize` fields of one cluster's hash, HSCAN) at a time, so that
   * loading 100,000 of them never holds them all at once; each result once, in no set order.
   */
  scanResults(pageSize?: number): AsyncIterable<ResultRecord>;
  /** Stream entries strictly after `id` (`0` = from the start). */
  readResultsSince(id: string, count: number): Promise<ResultsPage>;
  /**
   * Delivers stream entries after `fromId` (`$` = only new ones) in batches, in order, never
   * overlapping, until `stop()`.
   */
  followResults(
    fromId: string,
    onBatch: (entries: ResultStreamEntry[]) => void | Promise<void>,
    options: FollowResultsOptions,
  ): ResultsFollower;
  /** Drops every result of a cluster (a member left) and streams a `cleared` marker. */
  clearResults(cluster: string): Promise<void>;
  /**
   * Drops every cluster's result for one object that is about `upToSeq` or an older seq (a newer
   * result stays); returns how many were dropped. Called after the object's tombstone was pruned:
   * those results are superseded by the object's absence.
   */
  forgetResults(objectKey: ObjectKey, upToSeq: number): Promise<number>;
}

function parseRecord(what: string, raw: string): ResultRecord {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new InvalidRecordError(what, ['not JSON'], { cause: error });
  }
  const parsed = ResultRecordSchema.safeParse(json);
  if (!parsed.success) throw new InvalidRecordError(what, describeIssues(parsed.error), { cause: parsed.error });
  return parsed.data;
}

function parseStreamEntry(id: string, fields: string[]): ResultStreamEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  const type = map.get('type');
  if (type === 'result') return { id, type, record: parseRecord(`result stream entry ${id}`, map.get('record') ?? '') };
  if (type === 'cleared') {
    const cluster = map.get('cluster') ?? '';
    assertClusterName(cluster);
    return { id, type, cluster };
  }
  throw new InvalidRecordError(`result stream entry ${id}`, [`unknown type ${JSON.stringify(type)}`]);
}

type StreamReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

export function createResultsStore(options: ResultsStoreOptions): ResultsStore {
  const { redis } = options;
  const keys = federationKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
  const maxLen = options.maxStreamLength ?? 100_000;
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new RangeError('maxStreamLength must be a positive integer');

  async function record(input: ResultRecordInput, onlyIfProjected: boolean): Promise<RecordedResult> {
    const candidate = typeof input.errorMessage === 'string' ? { ...input, errorMessage: capErrorMessage(input.errorMessage) } : input;
    const parsed = ResultRecordSchema.safeParse(candidate);
    if (!parsed.success) {
      throw new InvalidRecordError('result record', describeIssues(parsed.error), { cause: parsed.error });
    }
    const checked = parsed.data;
    const reply = await redisOperation('recordResult', () =>
      recordScript.run(
        redis,
        [keys.resultsOf(checked.cluster), keys.resultClusters, keys.resultsStream, keys.projection, keys.changes],
        [checked.cluster, checked.objectKey, JSON.stringify(checked), maxLen, onlyIfProjected ? '1' : '0', checked.seq],
      ),
    );
    if (!Array.isArray(reply)) throw new InvalidRecordError('recordResult reply', ['expected [id, projected seq, previous seq, ms ago]']);
    const [id, projected, previous, ago] = reply as [unknown, unknown, unknown, unknown];
    return {
      id: id === null || id === undefined ? undefined : String(id),
      projectedSeq: Number(projected),
      latestChange: previous === null || previous === undefined || ago === null || ago === undefined ? undefined : { previousSeq: Number(previous), agoMs: Number(ago) },
    };
  }

  async function readResultsSince(id: string, count: number): Promise<ResultsPage> {
    const start = id === '0' || id === '-' ? '-' : `(${id}`;
    const raw = await redisOperation('readResultsSince', () => redis.xrange(keys.resultsStream, start, '+', 'COUNT', count));
    const entries = raw.map(([entryId, fields]) => parseStreamEntry(entryId, fields));
    return { entries, lastId: entries.at(-1)?.id ?? id };
  }

  async function readClusterResults(cluster: string): Promise<ResultRecord[]> {
    const all = await redisOperation('readResults', () => redis.hgetall(keys.resultsOf(cluster)));
    return Object.entries(all).map(([objectKey, raw]) => parseRecord(`result ${cluster}/${objectKey}`, raw));
  }

  return {
    async recordResult(input) {
      return (await record(input, false)).id ?? '';
    },

    recordResultIfProjected: (input) => record(input, true),

    async readResult(cluster, objectKey) {
      const raw = await redisOperation('readResult', () => redis.hget(keys.resultsOf(cluster), objectKey));
      return raw === null ? undefined : parseRecord(`result ${cluster}/${objectKey}`, raw);
    },

    async readResults(cluster) {
      if (cluster !== undefined) return readClusterResults(cluster);
      const clusters = await redisOperation('readResults', () => redis.smembers(keys.resultClusters));
      const perCluster = await Promise.all(clusters.sort().map(readClusterResults));
      return perCluster.flat();
    },

    async *scanResults(pageSize = 500) {
      const clusters = await redisOperation('scanResults', () => redis.smembers(keys.resultClusters));
      for (const cluster of clusters.sort()) {
        for await (const [objectKey, raw] of scanHash(redis, keys.resultsOf(cluster), pageSize, 'scanResults')) yield parseRecord(`result ${cluster}/${objectKey}`, raw);
      }
    },

    readResultsSince,

    followResults(fromId, onBatch, followOptions) {
      const reader = duplicateForBlocking(redis, 'amko-fed-results-follow');
      // The reader retries forever (maxRetriesPerRequest null); connection errors are reported here.
      reader.on('error', (error: unknown) => followOptions.onError(error));
      const blockMs = followOptions.blockMs ?? 2_000;
      const count = followOptions.count ?? 500;
      const gatherMs = followOptions.gatherMs ?? 0;
      let lastId = fromId;
      let stopped = false;
      const gathering = createStoppableWait();

      const loop = (async () => {
        if (lastId === '$') {
          // Pin "$" to a concrete id once, so entries added between two reads are not skipped.
          try {
            const newest = await reader.xrevrange(keys.resultsStream, '+', '-', 'COUNT', 1);
            lastId = newest[0]?.[0] ?? '0-0';
          } catch (error) {
            if (stopped) return;
            followOptions.onError(error);
            lastId = '0-0';
          }
        }
        while (!stopped) {
          let reply: StreamReply;
          try {
            reply = (await reader.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', keys.resultsStream, lastId)) as StreamReply;
          } catch (error) {
            if (stopped) return;
            followOptions.onError(error);
            await new Promise((resolve) => setTimeout(resolve, Math.min(blockMs, 1_000)));
            continue;
          }
          const raw = reply?.[0]?.[1] ?? [];
          if (raw.length === 0 || stopped) continue;
          const entries: ResultStreamEntry[] = [];
          for (const [id, fields] of raw) {
            try {
              entries.push(parseStreamEntry(id, fields));
            } catch (error) {
              followOptions.onError(error);
            }
          }
          lastId = raw.at(-1)?.[0] ?? lastId;
          try {
            if (entries.length > 0) await onBatch(entries);
          } catch (error) {
            followOptions.onError(error);
          }
          // A full batch means more are waiting: read them at once.
          if (gatherMs > 0 && raw.length < count && !stopped) await gathering.wait(gatherMs);
        }
      })();

      return {
        get lastId() {
          return lastId;
        },
        async stop() {
          stopped = true;
          gathering.end();
          // Unblocks a pending XREAD BLOCK; the loop sees `stopped` and ends. A read queued while
          // the reader was reconnecting may never settle after disconnect (ioredis keeps it in its
          // offline queue), so the wait is bounded; nothing else holds on to that read.
          reader.disconnect();
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([loop, new Promise<void>((resolve) => { timer = setTimeout(resolve, blockMs + 500); })]);
          clearTimeout(timer);
        },
      };
    },

    async clearResults(cluster) {
      await redisOperation('clearResults', () =>
        clearScript.run(redis, [keys.resultsOf(cluster), keys.resultClusters, keys.resultsStream], [cluster, maxLen]),
      );
    },

    async forgetResults(objectKey, upToSeq) {
      const clusters = await redisOperation('forgetResults', () => redis.smembers(keys.resultClusters));
      if (clusters.length === 0) return 0;
      const removed = await redisOperation('forgetResults', () =>
        forgetScript.run(redis, clusters.map((cluster) => keys.resultsOf(cluster)), [objectKey, String(upToSeq)]),
      );
      return Number(removed);
    },
  };
}
