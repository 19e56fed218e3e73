import { describe, expect, it } from 'vitest';
import { createBurstCoalescer, overlapped, type AppliedChange } from './burst-coalescer.ts';

const key = 'GSLBConfig/avi-system/gc-1';

/** Applied seq 7; the projection moved to 9, whose change replaced 7 and was logged 12 ms ago; the write was sent 10 ms ago. */
const changed = (extra: Partial<AppliedChange> = {}): AppliedChange => ({
  appliedSeq: 7,
  latestSeq: 9,
  latestChange: { previousSeq: 7, agoMs: 12 },
  writeSentAgoMs: 10,
  ...extra,
});

describe('burst coalescer', () => {
  describe('when an object changes only after its previous apply', () => {
    it('never defers', () => {
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 1000 });
      expect(bursts.deferFor(key, 1000, 1001)).toBe(0);
      bursts.noteApplied(key, { appliedSeq: 7, latestSeq: 7, writeSentAgoMs: 3 }, 1010);
      expect(bursts.deferFor(key, 1012, 1013)).toBe(0);
      expect(bursts.size).toBe(0);
    });
  });

  describe('when the object changed while it was applied', () => {
    it('defers until it has been quiet for quietMs', () => {
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 1000 });
      bursts.noteApplied(key, changed(), 1010);
      expect(bursts.deferFor(key, 1008, 1011)).toBe(47);
      expect(bursts.deferFor(key, 1040, 1060)).toBe(30);
      expect(bursts.deferFor(key, 1040, 1090)).toBe(0);
    });

    it('never defers past maxDeferMs from the start of the burst', () => {
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 100 });
      bursts.noteApplied(key, changed(), 1000);
      expect(bursts.deferFor(key, 1090, 1095)).toBe(5);
      expect(bursts.deferFor(key, 1099, 1100)).toBe(0);
    });

    it('ends the burst after an apply during which nothing changed', () => {
      const bursts = createBurstCoalescer();
      bursts.noteApplied(key, changed(), 1000);
      bursts.noteApplied(key, { appliedSeq: 9, latestSeq: 9, writeSentAgoMs: 4 }, 1200);
      expect(bursts.deferFor(key, 1199, 1201)).toBe(0);
    });
  });

  describe('when it tells a change made during an apply from one made after it', () => {
    it('counts one change logged before the write was sent as overlapping', () => {
      expect(overlapped(changed())).toBe(true);
      expect(overlapped(changed({ latestChange: { previousSeq: 7, agoMs: 10 } }))).toBe(true);
    });

    it('counts one change logged after the write was sent as a new change (a writer that waited for the followers)', () => {
      expect(overlapped(changed({ latestChange: { previousSeq: 7, agoMs: 9 } }))).toBe(false);
      expect(overlapped(changed({ latestChange: { previousSeq: 7, agoMs: 0 } }))).toBe(false);
      const bursts = createBurstCoalescer({ quietMs: 50, maxDeferMs: 1000 });
      bursts.noteApplied(key, changed({ latestChange: { previousSeq: 7, agoMs: 2 } }), 1010);
      expect(bursts.deferFor(key, 1008, 1011)).toBe(0);
      expect(bursts.size).toBe(0);
    });

    it('counts two or more changes since the applied seq as overlapping, however late they were logged', () => {
      expect(overlapped(changed({ latestChange: { previousSeq: 8, agoMs: 0 } }))).toBe(true);
    });

    it('counts a change it cannot time (no stamp) as overlapping', () => {
      expect(overlapped({ appliedSeq: 7, latestSeq: 9, writeSentAgoMs: 10 })).toBe(true);
    });

    it('never counts an unchanged object, whatever the stamp says', () => {
      expect(overlapped(changed({ latestSeq: 7 }))).toBe(false);
    });
  });
});
