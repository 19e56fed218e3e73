import type { ObjectKey } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { dueRetries, failedRetryDelayMs, type FailedPair } from './retry-failed.ts';

const gdp = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const FAILED_AT = '2026-12-05T10:00:00.000Z';
const t = (seconds: number): number => Date.parse(FAILED_AT) + seconds * 1_000;
const failure = (cluster: string, seq = 7): FailedPair => ({ cluster, key: gdp, result: { seq, atMs: Date.parse(FAILED_AT), failed: true, message: '422', seenMs: t(0) } });

function due(failures: FailedPair[], nowMs: number, retries = new Map<string, number>()) {
  return dueRetries({ failures, validFollowers: ['c2', 'c3'], seqOf: (key) => (key === gdp ? 7 : undefined), retries, nowMs, baseMs: 30_000, capMs: 300_000 });
}

describe('failedRetryDelayMs', () => {
  it.each([
    [0, 30_000],
    [1, 60_000],
    [2, 120_000],
    [3, 240_000],
    [4, 300_000],
    [40, 300_000],
  ])('waits after retry %i for %i ms', (retries, delay) => {
    expect(failedRetryDelayMs(retries, 30_000, 300_000)).toBe(delay);
  });
});

describe('dueRetries', () => {
  describe('when a pair failed less than the base delay ago', () => {
    it('enqueues nothing and keeps its count', () => {
      expect(due([failure('c2')], t(29))).toEqual({ jobs: [], retries: new Map([['c2/' + gdp, 0]]) });
    });
  });

  describe('when the delay since the last failed result has passed', () => {
    it('enqueues a reconcile of the current seq and counts the retry', () => {
      expect(due([failure('c2')], t(30))).toEqual({ jobs: [{ cluster: 'c2', objectKey: gdp, seq: 7, reason: 'resync' }], retries: new Map([['c2/' + gdp, 1]]) });
    });
  });

  describe('when earlier retries failed again', () => {
    it('doubles the wait', () => {
      const retried = new Map([['c2/' + gdp, 2]]);
      expect(due([failure('c2')], t(119), retried).jobs).toEqual([]);
      expect(due([failure('c2')], t(120), retried).jobs).toHaveLength(1);
    });
  });

  describe('when the failure is about an older state than the projection', () => {
    it('leaves it to the pending newer state', () => {
      expect(due([failure('c2', 6)], t(3_600)).jobs).toEqual([]);
    });
  });

  describe('when the follower is not valid or the object unknown', () => {
    it('enqueues nothing', () => {
      expect(due([failure('c9')], t(3_600)).jobs).toEqual([]);
      expect(dueRetries({ failures: [failure('c2')], validFollowers: ['c2'], seqOf: () => undefined, retries: new Map(), nowMs: t(3_600), baseMs: 30_000, capMs: 300_000 }).jobs).toEqual([]);
    });
  });

  describe('when a pair no longer fails', () => {
    it('forgets its count', () => {
      expect(due([], t(10), new Map([['c2/' + gdp, 3]])).retries.size).toBe(0);
    });
  });
});
