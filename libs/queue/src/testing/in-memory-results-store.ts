/**
 * An in-memory ResultsStore: the latest result per (follower, object) and the results stream, with
 * the real store's validation, `recordResultIfProjected` rule, paging and follow semantics. Following is
 * push-based (no blocking reads): every record or clear schedules a delivery. Checked against the
 * Redis store by results-store.contract.ts.
 */
import {
  assertClusterName,
  capErrorMessage,
  describeIssues,
  ResultRecordSchema,
  type ObjectKey,
  type ProjectionState,
  type ResultRecord,
  type ResultRecordInput,
  type ResultStreamEntry,
} from '@amko-fed/domain';
import { InvalidRecordError } from '../errors/invalid-record-error.ts';
import type { LatestChange, RecordedResult, ResultsFollower, ResultsStore } from '../results-store.ts';
import { createStoppableWait } from '../stoppable-wait.ts';
import type { ChangeStamp } from './in-memory-federation-log.ts';
import { createStreamIds, isAfter, type StreamIds } from './stream-ids.ts';

export interface InMemoryResultsStoreOptions {
  /**
   * The projection `recordResultIfProjected` checks (the log of the same data set).
   * @defaultValue an empty projection: every such result is dropped
   */
  readonly projected?: (objectKey: ObjectKey) => ProjectionState | undefined;
  /** The change stamps of that projection (`latestChange`). @defaultValue none: never a `latestChange` */
  readonly changeStamp?: (objectKey: ObjectKey) => ChangeStamp | undefined;
  /** "Now" for `latestChange.agoMs` (the log's clock). @defaultValue `() => new Date()` */
  readonly clock?: () => Date;
  /** Stream entries kept (exactly). @defaultValue 100000 */
  readonly maxStreamLength?: number;
  /** Shared with the log of the same data set. */
  readonly streamIds?: StreamIds;
}

export interface InMemoryResultsStore extends ResultsStore {
  /** Forgets every result and the stream, like a Redis FLUSHALL (followers stay attached). */
  loseData(): void;
}

export function createInMemoryResultsStore(options: InMemoryResultsStoreOptions = {}): InMemoryResultsStore {
  const projected = options.projected ?? (() => undefined);
  const changeStamp = options.changeStamp ?? (() => undefined);
  const clock = options.clock ?? (() => new Date());
  const maxLen = options.maxStreamLength ?? 100_000;
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new RangeError('maxStreamLength must be a positive integer');
  const ids = options.streamIds ?? createStreamIds();
  const byCluster = new Map<string, Map<ObjectKey, ResultRecord>>();
  let stream: ResultStreamEntry[] = [];
  /** Wakes every follower after an append. */
  const wakers = new Set<() => void>();

  function append(entry: ResultStreamEntry): string {
    stream.push(entry);
    if (stream.length > maxLen) stream = stream.slice(stream.length - maxLen);
    for (const wake of wakers) wake();
    return entry.id;
  }

  function record(input: ResultRecordInput, onlyIfProjected: boolean): RecordedResult {
    const candidate = typeof input.errorMessage === 'string' ? { ...input, errorMessage: capErrorMessage(input.errorMessage) } : input;
    const parsed = ResultRecordSchema.safeParse(candidate);
    if (!parsed.success) throw new InvalidRecordError('result record', describeIssues(parsed.error), { cause: parsed.error });
    const checked = parsed.data;
    const projectedSeq = onlyIfProjected ? (projected(checked.objectKey)?.seq ?? 0) : 0;
    if (onlyIfProjected && projectedSeq < checked.seq) return { id: undefined, projectedSeq };
    const stamp = onlyIfProjected && projectedSeq > checked.seq ? changeStamp(checked.objectKey) : undefined;
    const latestChange: LatestChange | undefined =
      stamp?.seq === projectedSeq ? { previousSeq: stamp.previousSeq, agoMs: Math.max(0, clock().getTime() - stamp.atMs) } : undefined;
    const results = byCluster.get(checked.cluster) ?? new Map<ObjectKey, ResultRecord>();
    results.set(checked.objectKey, checked);
    byCluster.set(checked.cluster, results);
    return { id: append({ id: ids.next(), type: 'result', record: structuredClone(checked) }), projectedSeq, latestChange };
  }

  const after = (id: string, count: number): ResultStreamEntry[] => stream.filter((e) => isAfter(e.id, id)).slice(0, count);
  const newestId = (): string => stream.at(-1)?.id ?? '0-0';

  return {
    async recordResult(input) {
      return record(input, false).id ?? '';
    },

    async recordResultIfProjected(input) {
      return record(input, true);
    },

    async readResult(cluster, objectKey) {
      assertClusterName(cluster);
      const record = byCluster.get(cluster)?.get(objectKey);
      return record === undefined ? undefined : structuredClone(record);
    },

    async readResults(cluster) {
      if (cluster !== undefined) assertClusterName(cluster);
      const clusters = cluster !== undefined ? [cluster] : [...byCluster.keys()].sort();
      return clusters.flatMap((name) => [...(byCluster.get(name)?.values() ?? [])].map((r) => structuredClone(r)));
    },

    async *scanResults() {
      for (const name of [...byCluster.keys()].sort()) for (const record of [...(byCluster.get(name)?.values() ?? [])]) yield structuredClone(record);
    },

    async readResultsSince(id, count) {
      const entries = after(id, count).map((e) => structuredClone(e));
      return { entries, lastId: entries.at(-1)?.id ?? id };
    },

    followResults(fromId, onBatch, followOptions): ResultsFollower {
      const count = followOptions.count ?? 500;
      const gatherMs = followOptions.gatherMs ?? 0;
      // "$" is pinned at once: entries recorded from now on are delivered.
      let lastId = fromId === '$' ? newestId() : fromId;
      let stopped = false;
      let pumping: Promise<void> | undefined;
      let again = false;
      const gathering = createStoppableWait();

      async function pump(): Promise<void> {
        // Deliveries start on a later tick, as reads from Redis would.
        await Promise.resolve();
        while (!stopped) {
          const batch = after(lastId, count).map((e) => structuredClone(e));
          if (batch.length === 0) return;
          lastId = batch.at(-1)?.id ?? lastId;
          try {
            await onBatch(batch);
          } catch (error) {
            followOptions.onError(error);
          }
          if (gatherMs > 0 && batch.length < count && !stopped) await gathering.wait(gatherMs);
        }
      }

      /** Starts a delivery run, or asks the running one for another (runs never overlap). */
      function wake(): void {
        if (stopped) return;
        if (pumping) {
          again = true;
          return;
        }
        again = false;
        pumping = pump().finally(() => {
          pumping = undefined;
          if (again) wake();
        });
      }

      wakers.add(wake);
      wake();
      return {
        get lastId() {
          return lastId;
        },
        async stop() {
          stopped = true;
          gathering.end();
          wakers.delete(wake);
          await pumping;
        },
      };
    },

    async forgetResults(objectKey, upToSeq) {
      let removed = 0;
      for (const results of byCluster.values()) {
        const record = results.get(objectKey);
        if (record !== undefined && record.seq <= upToSeq) {
          results.delete(objectKey);
          removed += 1;
        }
      }
      return removed;
    },
    async clearResults(cluster) {
      assertClusterName(cluster);
      byCluster.delete(cluster);
      append({ id: ids.next(), type: 'cleared', cluster });
    },

    loseData() {
      byCluster.clear();
      stream = [];
    },
  };
}
