import { describe, expect, it } from 'vitest';
import type { ObjectKey } from '@amko-fed/domain';
import type { ResultSummary } from './federation-steps.ts';
import { followerSyncCounts } from './follower-sync-counts.ts';

const GC = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const GDP = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const OLD = 'GlobalDeploymentPolicy/avi-system/old' as ObjectKey;
const ok = (seq: number, seenMs = 100): ResultSummary => ({ seq, atMs: 0, failed: false, message: undefined, seenMs });
const failed = (seq: number): ResultSummary => ({ seq, atMs: 0, failed: true, message: 'boom', seenMs: 100 });

describe('followerSyncCounts', () => {
  describe('given the projection, the results and the resync findings', () => {
    it.each([
      ['applied at the latest seq', { [GC]: ok(5) }, undefined, { 'in sync': 1, pending: 0, failed: 0 }],
      ['no result yet', {}, undefined, { 'in sync': 0, pending: 1, failed: 0 }],
      ['an older result', { [GC]: ok(4) }, undefined, { 'in sync': 0, pending: 1, failed: 0 }],
      ['failed at the latest seq', { [GC]: failed(5) }, undefined, { 'in sync': 0, pending: 0, failed: 1 }],
      ['in sync but a resync found it drifted since', { [GC]: ok(5, 100) }, { why: 'differs', seq: 5, sinceMs: 200 }, { 'in sync': 0, pending: 1, failed: 0 }],
      ['the drift reconciled after the resync', { [GC]: ok(5, 300) }, { why: 'differs', seq: 5, sinceMs: 200 }, { 'in sync': 1, pending: 0, failed: 0 }],
    ] as const)('%s', (_case, results, drift, expected) => {
      const counts = followerSyncCounts({
        validFollowers: ['cluster2'],
        projection: [[GC, { seq: 5, state: 'present' }]],
        result: (_c, key) => (results as Record<string, ResultSummary>)[key],
        pending: () => drift,
      });
      expect(counts.get('cluster2')).toEqual(expected);
    });
  });

  describe('when the projection holds a tombstone', () => {
    it('counts it only for followers that had a result for it', () => {
      const counts = followerSyncCounts({
        validFollowers: ['cluster2', 'cluster3'],
        projection: [[GDP, { seq: 3, state: 'present' }], [OLD, { seq: 4, state: 'absent' }]],
        result: (cluster, key) => (cluster === 'cluster2' ? { [GDP]: ok(3), [OLD]: ok(4) }[key] : { [GDP]: ok(3) }[key]),
      });
      expect(Object.fromEntries(counts)).toEqual({ cluster2: { 'in sync': 2, pending: 0, failed: 0 }, cluster3: { 'in sync': 1, pending: 0, failed: 0 } });
    });
  });
});
