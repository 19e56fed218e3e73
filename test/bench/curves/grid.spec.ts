import { describe, expect, it } from 'vitest';
import { copiesOf, DEFAULT_GRID, FULL_GRID, GridError, label, parseGrid, PRUNED } from './grid.ts';

describe('parseGrid', () => {
  describe('when given followers x objects pairs', () => {
    it('gives the points smallest first, without duplicates', () => {
      expect(parseGrid('10x1000, 1x100,1x10_000,10x1000')).toEqual([
        { followers: 1, objects: 100 },
        { followers: 1, objects: 10_000 },
        { followers: 10, objects: 1_000 },
      ]);
    });
  });

  describe('when a pair is malformed', () => {
    it.each(['', '10', '10x', 'x100', '0x100', '10x0', '10*100', '1.5x100'])('rejects "%s" with the expected form', (text) => {
      expect(() => parseGrid(text)).toThrow(GridError);
      expect(() => parseGrid(text)).toThrow(/1x100,10x1000/);
    });
  });
});

describe('the default grid', () => {
  it('is the full grid without the pruned points, smallest first', () => {
    expect(DEFAULT_GRID).toHaveLength(FULL_GRID.length - PRUNED.length);
    for (const { point } of PRUNED) expect(DEFAULT_GRID.map(label)).not.toContain(label(point));
    const copies = DEFAULT_GRID.map(copiesOf);
    expect(copies).toEqual([...copies].sort((a, b) => a - b));
  });

  it('prunes only points of the full grid', () => {
    for (const { point } of PRUNED) expect(FULL_GRID.map(label)).toContain(label(point));
  });
});
