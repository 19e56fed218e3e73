/**
 * The written-copies memory: one slot per (follower, object), the least recently used forgotten
 * past the bound, managedFields never kept.
 */
import type { KubeObject } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { createWrittenCopies } from './written-copies.ts';

const copy = (name: string, resourceVersion: string): KubeObject =>
  ({ apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBHostRule', metadata: { name, namespace: 'avi-system', resourceVersion }, spec: {} }) as KubeObject;

describe('createWrittenCopies', () => {
  describe('when a copy is remembered', () => {
    it('recalls it for the same follower and object only', () => {
      const copies = createWrittenCopies();
      copies.slot('f1', 'k1').remember(copy('a', '5'));
      expect(copies.slot('f1', 'k1').recall()?.metadata.resourceVersion).toBe('5');
      expect(copies.slot('f2', 'k1').recall()).toBeUndefined();
      expect(copies.slot('f1', 'k2').recall()).toBeUndefined();
    });

    it('keeps the newest answer and forgets it on request', () => {
      const copies = createWrittenCopies();
      const slot = copies.slot('f1', 'k1');
      slot.remember(copy('a', '5'));
      slot.remember(copy('a', '6'));
      expect(slot.recall()?.metadata.resourceVersion).toBe('6');
      expect(copies.size).toBe(1);
      slot.forget();
      expect(slot.recall()).toBeUndefined();
      expect(copies.size).toBe(0);
    });

    it('drops managedFields, which a PUT never sends back', () => {
      const copies = createWrittenCopies();
      const answered = copy('a', '5');
      copies.slot('f1', 'k1').remember({ ...answered, metadata: { ...answered.metadata, managedFields: [{ manager: 'amko-fed' }] } });
      const recalled = copies.slot('f1', 'k1').recall();
      expect(recalled?.metadata.resourceVersion).toBe('5');
      expect(recalled !== undefined && 'managedFields' in recalled.metadata).toBe(false);
    });
  });

  describe('when more copies are remembered than the bound', () => {
    it('forgets the least recently used, counting a recall as a use', () => {
      const copies = createWrittenCopies({ maxEntries: 2 });
      copies.slot('f1', 'k1').remember(copy('a', '1'));
      copies.slot('f2', 'k1').remember(copy('a', '2'));
      expect(copies.slot('f1', 'k1').recall()).toBeDefined();
      copies.slot('f1', 'k2').remember(copy('b', '3'));
      expect(copies.size).toBe(2);
      expect(copies.slot('f2', 'k1').recall()).toBeUndefined();
      expect(copies.slot('f1', 'k1').recall()?.metadata.resourceVersion).toBe('1');
      expect(copies.slot('f1', 'k2').recall()?.metadata.resourceVersion).toBe('3');
    });

    it('remembers nothing with a bound of 0', () => {
      const copies = createWrittenCopies({ maxEntries: 0 });
      copies.slot('f1', 'k1').remember(copy('a', '1'));
      expect(copies.slot('f1', 'k1').recall()).toBeUndefined();
      expect(copies.size).toBe(0);
    });
  });

  describe('when a follower leaves, or everything is forgotten', () => {
    it('forgets that follower\'s copies only, then all', () => {
      const copies = createWrittenCopies();
      copies.slot('f1', 'k1').remember(copy('a', '1'));
      copies.slot('f1', 'k2').remember(copy('b', '2'));
      copies.slot('f2', 'k1').remember(copy('a', '3'));
      copies.forgetCluster('f1');
      expect(copies.slot('f1', 'k1').recall()).toBeUndefined();
      expect(copies.slot('f1', 'k2').recall()).toBeUndefined();
      expect(copies.slot('f2', 'k1').recall()?.metadata.resourceVersion).toBe('3');
      expect(copies.size).toBe(1);
      copies.clear();
      expect(copies.slot('f2', 'k1').recall()).toBeUndefined();
      expect(copies.size).toBe(0);
    });
  });

  describe('when a follower\'s remembered copies are often stale (another replicator writes there too)', () => {
    function pausing() {
      let nowMs = 0;
      const copies = createWrittenCopies({ window: 5, refusalsToPause: 2, pauseMs: 1_000, now: () => nowMs });
      copies.slot('f1', 'k1').remember(copy('a', '1'));
      copies.slot('f2', 'k1').remember(copy('a', '2'));
      return { copies, advance: (ms: number) => void (nowMs += ms) };
    }

    it('stops recalling that follower\'s copies once enough of its last writes were refused, and recalls them again after the pause', () => {
      const { copies, advance } = pausing();
      const slot = copies.slot('f1', 'k1');
      slot.noteWrite(false);
      expect(slot.recall()).toBeDefined();
      slot.noteWrite(false);
      expect(slot.recall()).toBeUndefined();
      expect(copies.slot('f2', 'k1').recall()?.metadata.resourceVersion).toBe('2');
      advance(999);
      expect(slot.recall()).toBeUndefined();
      advance(1);
      expect(slot.recall()?.metadata.resourceVersion).toBe('1');
    });

    it('keeps recalling while refusals stay rare within the window', () => {
      const { copies } = pausing();
      const slot = copies.slot('f1', 'k1');
      for (const landed of [false, true, true, true, true, false, true, true, true, true, false]) slot.noteWrite(landed);
      expect(slot.recall()?.metadata.resourceVersion).toBe('1');
    });

    it('starts counting afresh when the follower leaves', () => {
      const { copies } = pausing();
      copies.slot('f1', 'k1').noteWrite(false);
      copies.forgetCluster('f1');
      copies.slot('f1', 'k1').remember(copy('a', '3'));
      copies.slot('f1', 'k1').noteWrite(false);
      expect(copies.slot('f1', 'k1').recall()?.metadata.resourceVersion).toBe('3');
    });
  });
});
