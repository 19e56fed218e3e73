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
});
