import { toObjectKey, type ObjectKey } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { createPendingReconciles } from './pending-reconciles.ts';
import type { PendingReconcile } from './resync.ts';

const keyOf = (name: string): ObjectKey => toObjectKey({ kind: 'GSLBHostRule', namespace: 'avi-system', name });
const A = keyOf('a');
const B = keyOf('b');
const found = (...entries: [ObjectKey, PendingReconcile][]): Map<ObjectKey, PendingReconcile> => new Map(entries);

describe('createPendingReconciles', () => {
  describe('when a resync reports what differed on a follower', () => {
    it('gives back each difference with its seq and listing time, every kind of divergence', () => {
      const pending = createPendingReconciles();
      pending.replace('c2', found([A, { why: 'missing', seq: 7, sinceMs: 1_000 }], [B, { why: 'extra', seq: 2 ** 40, sinceMs: 1_000 }]));
      pending.replace('c3', found([A, { why: 'differs', seq: 1, sinceMs: 2_000 }], [B, { why: 'deleting', seq: 0, sinceMs: 2_000 }]));
      expect(pending.get('c2', A)).toEqual({ why: 'missing', seq: 7, sinceMs: 1_000 });
      expect(pending.get('c2', B)).toEqual({ why: 'extra', seq: 2 ** 40, sinceMs: 1_000 });
      expect(pending.get('c3', A)).toEqual({ why: 'differs', seq: 1, sinceMs: 2_000 });
      expect(pending.get('c3', B)).toEqual({ why: 'deleting', seq: 0, sinceMs: 2_000 });
      expect(pending.get('c4', A)).toBeUndefined();
    });

    it('replaces what the follower\'s previous resync found; nothing found clears it', () => {
      const pending = createPendingReconciles();
      pending.replace('c2', found([A, { why: 'missing', seq: 7, sinceMs: 1_000 }]));
      pending.replace('c2', found([B, { why: 'differs', seq: 8, sinceMs: 3_000 }]));
      expect(pending.get('c2', A)).toBeUndefined();
      expect(pending.get('c2', B)).toEqual({ why: 'differs', seq: 8, sinceMs: 3_000 });
      pending.replace('c2', found());
      expect(pending.get('c2', B)).toBeUndefined();
    });

    it('keeps the latest listing time for all when entries disagree (a difference is never cleared early)', () => {
      const pending = createPendingReconciles();
      pending.replace('c2', found([A, { why: 'missing', seq: 1, sinceMs: 1_000 }], [B, { why: 'missing', seq: 2, sinceMs: 1_500 }]));
      expect(pending.get('c2', A)?.sinceMs).toBe(1_500);
    });
  });

  describe('when an object\'s tombstone is pruned', () => {
    it('forgets every follower\'s finding about it at that seq or older, and keeps newer ones and other objects', () => {
      const pending = createPendingReconciles();
      pending.replace('c2', found([A, { why: 'missing', seq: 3, sinceMs: 1_000 }], [B, { why: 'missing', seq: 4, sinceMs: 1_000 }]));
      pending.replace('c3', found([A, { why: 'differs', seq: 9, sinceMs: 2_000 }]));
      pending.replace('c4', found([A, { why: 'missing', seq: 5, sinceMs: 3_000 }]));
      pending.forget(A, 5);
      expect(pending.get('c2', A)).toBeUndefined();
      expect(pending.get('c4', A)).toBeUndefined();
      expect(pending.get('c2', B)).toEqual({ why: 'missing', seq: 4, sinceMs: 1_000 });
      expect(pending.get('c3', A)).toEqual({ why: 'differs', seq: 9, sinceMs: 2_000 });
      pending.forget(B, 4);
      expect(pending.get('c2', B)).toBeUndefined();
      pending.replace('c2', found([B, { why: 'extra', seq: 6, sinceMs: 4_000 }]));
      expect(pending.get('c2', B)).toEqual({ why: 'extra', seq: 6, sinceMs: 4_000 });
    });
  });

  describe('when a follower or everything is dropped', () => {
    it('forgets that follower, or every follower', () => {
      const pending = createPendingReconciles();
      pending.replace('c2', found([A, { why: 'missing', seq: 1, sinceMs: 1 }]));
      pending.replace('c3', found([A, { why: 'missing', seq: 1, sinceMs: 1 }]));
      pending.delete('c2');
      expect(pending.get('c2', A)).toBeUndefined();
      expect(pending.get('c3', A)).toBeDefined();
      pending.clear();
      expect(pending.get('c3', A)).toBeUndefined();
    });
  });
});
