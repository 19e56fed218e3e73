import { toObjectKey, type ObjectKey } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import type { ResultSummary } from './federation-steps.ts';
import { createResultTable } from './result-table.ts';

const keyOf = (i: number): ObjectKey => toObjectKey({ kind: 'GSLBHostRule', namespace: 'avi-system', name: `rule-${i}` });
const A = keyOf(0);
const B = keyOf(1);
const AT = Date.parse('2026-12-07T07:00:00.000Z');
const ok = (seq: number, atMs = AT, seenMs = 5_000): ResultSummary => ({ seq, atMs, failed: false, message: undefined, seenMs });
const failed = (seq: number, message: string | undefined = '503'): ResultSummary => ({ seq, atMs: AT, failed: true, message, seenMs: 6_000 });

describe('createResultTable', () => {
  describe('when results are offered', () => {
    it('gives back each follower\'s latest result as it was offered, and nothing for a pair without one', () => {
      const table = createResultTable();
      expect(table.offer('c2', A, ok(3))).toBe(true);
      expect(table.offer('c3', A, failed(3, undefined))).toBe(true);
      expect(table.get('c2', A)).toEqual(ok(3));
      expect(table.get('c3', A)).toEqual(failed(3, undefined));
      expect(table.get('c2', B)).toBeUndefined();
      expect(table.get('c4', A)).toBeUndefined();
    });

    it('keeps the newer one: a higher seq, or the same seq recorded no earlier', () => {
      const table = createResultTable();
      table.offer('c2', A, failed(5));
      expect(table.offer('c2', A, ok(4))).toBe(false);
      expect(table.offer('c2', A, ok(5, AT - 1))).toBe(false);
      expect(table.get('c2', A)).toEqual(failed(5));
      expect(table.offer('c2', A, ok(5, AT + 1))).toBe(true);
      expect(table.get('c2', A)).toEqual(ok(5, AT + 1));
      expect([...table.failures()]).toEqual([]);
    });

    it('holds seq 0, which is a result and not an empty slot', () => {
      const table = createResultTable();
      table.offer('c2', A, ok(0));
      expect(table.get('c2', A)).toEqual(ok(0));
    });
  });

  describe('when more objects arrive than the columns hold', () => {
    it('grows every follower\'s columns and loses no result', () => {
      const table = createResultTable();
      for (let i = 0; i < 1_000; i += 1) {
        table.offer('c2', keyOf(i), ok(i + 1));
        if (i % 3 === 0) table.offer('c3', keyOf(i), failed(i + 1, `m${i}`));
      }
      for (let i = 0; i < 1_000; i += 1) {
        expect(table.get('c2', keyOf(i))).toEqual(ok(i + 1));
        expect(table.get('c3', keyOf(i))).toEqual(i % 3 === 0 ? failed(i + 1, `m${i}`) : undefined);
      }
      expect([...table.failures()]).toHaveLength(334);
    });
  });

  describe('when an object\'s results are forgotten', () => {
    it('drops those about that seq or older, keeps newer ones, and reuses the slot once none is left', () => {
      const table = createResultTable();
      table.offer('c2', A, ok(4));
      table.offer('c3', A, failed(6));
      table.offer('c2', B, ok(1));
      table.forget(A, 5);
      expect(table.get('c2', A)).toBeUndefined();
      expect(table.get('c3', A)).toEqual(failed(6));
      table.forget(A, 6);
      expect(table.get('c3', A)).toBeUndefined();
      expect([...table.failures()]).toEqual([]);

      const C = keyOf(2);
      table.offer('c2', C, ok(9));
      expect(table.get('c2', C)).toEqual(ok(9));
      expect(table.get('c3', C)).toBeUndefined();
      expect(table.get('c2', A)).toBeUndefined();
      expect(table.get('c2', B)).toEqual(ok(1));
    });
  });

  describe('when a follower\'s results are dropped', () => {
    it('forgets only that follower', () => {
      const table = createResultTable();
      table.offer('c2', A, failed(1));
      table.offer('c3', A, failed(1));
      expect(table.dropCluster('c2')).toBe(true);
      expect(table.dropCluster('c2')).toBe(false);
      expect(table.get('c2', A)).toBeUndefined();
      expect([...table.failures()]).toEqual([{ cluster: 'c3', key: A, result: failed(1) }]);
    });
  });

  describe('when the table is cleared', () => {
    it('holds nothing, and takes new results', () => {
      const table = createResultTable();
      for (let i = 0; i < 100; i += 1) table.offer('c2', keyOf(i), failed(1));
      table.clear();
      expect(table.get('c2', A)).toBeUndefined();
      expect([...table.failures()]).toEqual([]);
      table.offer('c3', B, ok(2));
      expect(table.get('c3', B)).toEqual(ok(2));
    });
  });
});
