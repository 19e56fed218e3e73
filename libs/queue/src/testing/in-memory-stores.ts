/**
 * The four stores of one data set in memory, as one Redis holds them: the results store checks the
 * log's projection for `recordResultIfProjected`, stream ids come from one sequence, and `loseData()`
 * empties everything at once like a Redis FLUSHALL.
 */
import type { HistoryRetention } from '@amko-fed/domain';
import { createInMemoryFederationLog, type InMemoryFederationLog } from './in-memory-federation-log.ts';
import { createInMemoryFollowerQueues, type InMemoryFollowerQueues } from './in-memory-follower-queues.ts';
import { createInMemoryMemberRegistry, type InMemoryMemberRegistry } from './in-memory-member-registry.ts';
import { createInMemoryResultsStore, type InMemoryResultsStore } from './in-memory-results-store.ts';
import { createStreamIds } from './stream-ids.ts';

export interface InMemoryStoresOptions {
  /** Time of events, tombstones, member documents and jobs. @defaultValue `() => new Date()` */
  readonly clock?: () => Date;
  /** Events the log keeps. @defaultValue 100000 */
  readonly maxEvents?: number;
  /** History the log keeps. @defaultValue DEFAULT_HISTORY_RETENTION */
  readonly history?: HistoryRetention;
  /** Attempts per job before it fails for good. @defaultValue 15 */
  readonly attempts?: number;
}

export interface InMemoryStores {
  readonly log: InMemoryFederationLog;
  readonly results: InMemoryResultsStore;
  readonly registry: InMemoryMemberRegistry;
  readonly queues: InMemoryFollowerQueues;
  /** Empties every store (seq counter, incarnation, projection, results, members, queues and pause states). */
  loseData(): void;
}

export function createInMemoryStores(options: InMemoryStoresOptions = {}): InMemoryStores {
  const streamIds = createStreamIds();
  const log = createInMemoryFederationLog({
    streamIds,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.maxEvents !== undefined ? { maxEvents: options.maxEvents } : {}),
    ...(options.history !== undefined ? { history: options.history } : {}),
  });
  const results = createInMemoryResultsStore({
    streamIds,
    projected: (objectKey) => log.projected(objectKey),
    changeStamp: (objectKey) => log.changeStamp(objectKey),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const registry = createInMemoryMemberRegistry(options.clock ? { clock: options.clock } : {});
  const queues = createInMemoryFollowerQueues({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.attempts !== undefined ? { attempts: options.attempts } : {}),
  });
  return {
    log,
    results,
    registry,
    queues,
    loseData() {
      log.loseData();
      results.loseData();
      registry.loseData();
      queues.loseData();
    },
  };
}
