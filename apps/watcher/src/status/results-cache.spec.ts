/**
 * The results cache over the in-memory results store: given the results recorded before and after
 * it starts, then the latest result it holds per (follower, object), its failures, and what reset
 * and stop do. Results arrive asynchronously on the store's stream, so the tests poll with a
 * generous deadline (testing/until.ts); a later result of another object serves as the marker that an earlier one
 * was delivered.
 */
import type { ObjectKey, ResultRecordInput } from '@amko-fed/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { createInMemoryStores, type InMemoryStores } from '@amko-fed/queue/testing';
import { keyOf, silentLogger } from '../testing/unit-objects.ts';
import { until } from '../testing/until.ts';
import { createResultsCache, type ResultsCache } from './results-cache.ts';

const GDP = keyOf('GlobalDeploymentPolicy', 'global-gdp');
const RULE = keyOf('GSLBHostRule', 'rule-a');
const MARKER = keyOf('GSLBHostRule', 'marker');
const AT = '2026-12-05T16:00:00.000Z';

const result = (overrides: Partial<ResultRecordInput> = {}): ResultRecordInput => ({
  cluster: 'cluster2',
  objectKey: GDP,
  outcome: 'updated',
  seq: 1,
  attempts: 1,
  at: AT,
  ...overrides,
});

interface Subject {
  readonly stores: InMemoryStores;
  readonly cache: ResultsCache;
  /** onChange calls so far. */
  changes(): number;
  /** The watcher's clock (ms), as the test sets it. */
  nowMs: number;
  /** Records a result and waits until the cache holds it. */
  deliver(input: ResultRecordInput): Promise<void>;
  /** Records a result of MARKER at `seq` and waits until the cache saw it: everything recorded before was delivered. */
  settle(seq: number): Promise<void>;
}

const started: ResultsCache[] = [];
afterEach(async () => {
  for (const cache of started.splice(0)) await cache.stop();
});

function subject(stores = createInMemoryStores()): Subject {
  let changes = 0;
  const s: Subject = {
    stores,
    nowMs: 1_000,
    cache: createResultsCache({
      store: stores.results,
      logger: silentLogger(),
      onChange: () => {
        changes += 1;
      },
      now: () => s.nowMs,
    }),
    changes: () => changes,
    async deliver(input) {
      await stores.results.recordResult(input);
      const cluster = input.cluster;
      await until(() => expect(s.cache.get(cluster, input.objectKey as ObjectKey)).toMatchObject({ seq: input.seq, atMs: Date.parse(input.at as string) }));
    },
    async settle(seq) {
      await s.deliver(result({ objectKey: MARKER, seq }));
    },
  };
  started.push(s.cache);
  return s;
}

describe('results cache', () => {
  describe('when the store holds results at start', () => {
    it('loads the latest result of each (follower, object), stamped with the time it was seen', async () => {
      const s = subject();
      await s.stores.results.recordResult(result({ seq: 4, outcome: 'created' }));
      await s.stores.results.recordResult(result({ cluster: 'cluster3', objectKey: RULE, seq: 2, outcome: 'noop' }));
      s.nowMs = 7_000;
      await s.cache.start();
      expect(s.cache.get('cluster2', GDP)).toEqual({ seq: 4, atMs: Date.parse(AT), failed: false, message: undefined, seenMs: 7_000 });
      expect(s.cache.get('cluster3', RULE)).toEqual({ seq: 2, atMs: Date.parse(AT), failed: false, message: undefined, seenMs: 7_000 });
      expect(s.cache.get('cluster3', GDP)).toBeUndefined();
    });

    it('tells onChange once loaded', async () => {
      const s = subject();
      await s.stores.results.recordResult(result());
      await s.cache.start();
      expect(s.changes()).toBe(1);
    });
  });

  describe('when a result is recorded after start', () => {
    it('follows it from the stream and stamps it with the watcher\'s time of arrival', async () => {
      const s = subject();
      await s.cache.start();
      s.nowMs = 9_000;
      await s.deliver(result({ seq: 2 }));
      expect(s.cache.get('cluster2', GDP)).toEqual({ seq: 2, atMs: Date.parse(AT), failed: false, message: undefined, seenMs: 9_000 });
      expect(s.changes()).toBeGreaterThanOrEqual(2);
    });

    it('replaces the result of an earlier seq', async () => {
      const s = subject();
      await s.cache.start();
      await s.deliver(result({ seq: 2 }));
      await s.deliver(result({ seq: 3, outcome: 'noop' }));
      expect(s.cache.get('cluster2', GDP)?.seq).toBe(3);
    });
  });

  describe('when a result of an older seq arrives after a newer one', () => {
    it('keeps the newer one (the latest by seq wins)', async () => {
      const s = subject();
      await s.cache.start();
      await s.deliver(result({ seq: 5, outcome: 'updated' }));
      await s.stores.results.recordResult(result({ seq: 4, outcome: 'failed', errorCode: 'UNAVAILABLE' }));
      await s.settle(1);
      expect(s.cache.get('cluster2', GDP)).toMatchObject({ seq: 5, failed: false });
      expect([...s.cache.failures()]).toEqual([]);
    });

    it('does not tell onChange about it', async () => {
      const s = subject();
      await s.cache.start();
      await s.deliver(result({ seq: 5 }));
      await s.settle(1);
      const before = s.changes();
      await s.stores.results.recordResult(result({ seq: 4 }));
      await s.stores.results.recordResult(result({ objectKey: MARKER, seq: 2 }));
      await until(() => expect(s.cache.get('cluster2', MARKER)?.seq).toBe(2));
      expect(s.changes()).toBe(before + 1);
    });
  });

  describe('when two results have the same seq', () => {
    it('keeps the one recorded later (by its time)', async () => {
      const s = subject();
      await s.cache.start();
      await s.deliver(result({ seq: 3, outcome: 'failed', errorCode: 'UNAVAILABLE', at: '2026-12-05T16:00:01.000Z' }));
      await s.deliver(result({ seq: 3, outcome: 'noop', at: '2026-12-05T16:00:02.000Z' }));
      await s.stores.results.recordResult(result({ seq: 3, outcome: 'failed', errorCode: 'UNAVAILABLE', at: '2026-12-05T16:00:00.000Z' }));
      await s.settle(1);
      expect(s.cache.get('cluster2', GDP)).toMatchObject({ seq: 3, failed: false, atMs: Date.parse('2026-12-05T16:00:02.000Z') });
    });
  });

  describe('when results are failed or fenced', () => {
    it('lists them in failures() with the error message, else the error code', async () => {
      const s = subject();
      await s.cache.start();
      await s.deliver(result({ seq: 2, outcome: 'failed', errorCode: 'SCHEMA_REJECTED', errorMessage: 'spec.ttl: must be at least 1' }));
      await s.deliver(result({ cluster: 'cluster3', objectKey: RULE, seq: 3, outcome: 'fenced', errorCode: 'FENCED_LEADER' }));
      await s.deliver(result({ cluster: 'cluster3', seq: 2, outcome: 'updated' }));
      const failures = [...s.cache.failures()].map(({ cluster, key, result: r }) => [cluster, key, r.seq, r.message]);
      expect(failures).toEqual(
        expect.arrayContaining([
          ['cluster2', GDP, 2, 'spec.ttl: must be at least 1'],
          ['cluster3', RULE, 3, 'FENCED_LEADER'],
        ]),
      );
      expect(failures).toHaveLength(2);
      expect(s.cache.get('cluster2', GDP)?.failed).toBe(true);
    });

    it('drops a pair from failures() once a newer result succeeds', async () => {
      const s = subject();
      await s.cache.start();
      await s.deliver(result({ seq: 2, outcome: 'failed', errorCode: 'UNAVAILABLE' }));
      expect([...s.cache.failures()]).toHaveLength(1);
      await s.deliver(result({ seq: 2, outcome: 'updated', at: '2026-12-05T16:05:00.000Z' }));
      expect([...s.cache.failures()]).toEqual([]);
    });
  });

  describe('when a follower\'s results are cleared (it left the members)', () => {
    it('forgets that follower\'s results and keeps the others\'', async () => {
      const s = subject();
      await s.cache.start();
      await s.deliver(result({ cluster: 'cluster2', outcome: 'failed', errorCode: 'UNAVAILABLE' }));
      await s.deliver(result({ cluster: 'cluster3' }));
      await s.stores.results.clearResults('cluster2');
      await until(() => expect(s.cache.get('cluster2', GDP)).toBeUndefined());
      expect(s.cache.get('cluster3', GDP)?.seq).toBe(1);
      expect([...s.cache.failures()]).toEqual([]);
    });
  });

  describe('when reset after Redis lost its data', () => {
    it('forgets every result, tells onChange, and holds only what the store holds now', async () => {
      const s = subject();
      await s.cache.start();
      await s.deliver(result({ seq: 2, outcome: 'failed', errorCode: 'UNAVAILABLE' }));
      s.stores.loseData();
      const before = s.changes();
      await s.cache.reset();
      expect(s.cache.get('cluster2', GDP)).toBeUndefined();
      expect([...s.cache.failures()]).toEqual([]);
      expect(s.changes()).toBeGreaterThan(before);
    });

    it('follows the results recorded after the reset', async () => {
      const s = subject();
      await s.cache.start();
      await s.deliver(result({ seq: 2 }));
      s.stores.loseData();
      await s.cache.reset();
      await s.deliver(result({ cluster: 'cluster3', seq: 7 }));
      expect(s.cache.get('cluster3', GDP)?.seq).toBe(7);
    });
  });

  describe('when stopped', () => {
    it('no longer follows results (another cache on the same store sees them)', async () => {
      const stores = createInMemoryStores();
      const stoppedOne = subject(stores);
      const running = subject(stores);
      await stoppedOne.cache.start();
      await running.cache.start();
      await stoppedOne.cache.stop();
      await running.deliver(result({ seq: 3 }));
      expect(stoppedOne.cache.get('cluster2', GDP)).toBeUndefined();
    });

    it('makes reset a no-op', async () => {
      const s = subject();
      await s.stores.results.recordResult(result());
      await s.cache.start();
      await s.cache.stop();
      const before = s.changes();
      await s.cache.reset();
      expect(s.changes()).toBe(before);
      expect(s.cache.get('cluster2', GDP)?.seq).toBe(1);
    });
  });
});
