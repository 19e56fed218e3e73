import { describe, expect, it } from 'vitest';
import { createBurstCoalescer } from './burst-coalescer.ts';

const key = 'GSLBConfig/avi-system/gc-1';

describe('burst coalescer', () => {
  describe('when an object changes only after its previous apply', () => {
    it('never defers', () => {
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 1000 });
      expect(bursts.deferFor(key, 1000, 1001)).toBe(0);
      bursts.noteApplied(key, 7, 7, 1010);
      expect(bursts.deferFor(key, 1012, 1013)).toBe(0);
      expect(bursts.size).toBe(0);
    });
  });

  describe('when the object changed while it was applied', () => {
    it('defers until it has been quiet for quietMs', () => {
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 1000 });
      bursts.noteApplied(key, 7, 9, 1010);
      expect(bursts.deferFor(key, 1008, 1011)).toBe(47);
      expect(bursts.deferFor(key, 1040, 1060)).toBe(30);
      expect(bursts.deferFor(key, 1040, 1090)).toBe(0);
    });

    it('never defers past maxDeferMs from the start of the burst', () => {
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 100 });
      bursts.noteApplied(key, 7, 9, 1000);
      expect(bursts.deferFor(key, 1090, 1095)).toBe(5);
      expect(bursts.deferFor(key, 1099, 1100)).toBe(0);
    });

    it('ends the burst after an apply during which nothing changed', () => {
      const bursts = createBurstCoalescer();
      bursts.noteApplied(key, 7, 9, 1000);
      bursts.noteApplied(key, 9, 9, 1200);
      expect(bursts.deferFor(key, 1199, 1201)).toBe(0);
    });
  });

  describe('when a change follows the change last applied within quietMs', () => {
    it('defers it until the object has been quiet for quietMs, though no change overlapped an apply', () => {
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 1000 });
      bursts.noteApplied(key, 7, 7, 1010, 1000);
      expect(bursts.deferFor(key, 1030, 1031)).toBe(49);
      expect(bursts.size).toBe(1);
      expect(bursts.deferFor(key, 1060, 1081)).toBe(29);
    });

    it('does not defer a retry of the change already applied', () => {
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 1000 });
      bursts.noteApplied(key, 7, 7, 1010, 1000);
      expect(bursts.deferFor(key, 1000, 1020)).toBe(0);
      expect(bursts.size).toBe(0);
    });
  });

  describe('when a change comes quietMs or more after the change last applied', () => {
    it('applies it at once', () => {
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 1000 });
      bursts.noteApplied(key, 7, 7, 1010, 1000);
      expect(bursts.deferFor(key, 1050, 1051)).toBe(0);
      expect(bursts.size).toBe(0);
    });
  });

  describe('when many objects were applied long ago', () => {
    it('forgets their change times but keeps the recent ones', () => {
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 100 });
      for (let i = 0; i < 1_000; i += 1) bursts.noteApplied(`GSLBConfig/avi-system/gc-${i}`, 1, 1, 1000, 1000);
      bursts.noteApplied(key, 2, 2, 5000, 5000);
      // A change stamped 10 ms after gc-1's last applied one (its job waited long in the queue).
      bursts.deferFor('GSLBConfig/avi-system/gc-1', 1010, 5001);
      expect(bursts.size).toBe(0);
      expect(bursts.deferFor(key, 5010, 5011)).toBe(49);
    });
  });
});
