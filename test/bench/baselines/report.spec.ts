import { describe, expect, it } from 'vitest';
import { formatRatio, ms, perRoundLine, perRoundRatios, ratioLine, renderTable, summarise } from './report.ts';

describe('formatRatio', () => {
  describe('when both sides are positive', () => {
    it.each([
      [42, 10, '4.2x'],
      [10, 40, '0.3x'],
      [1254, 10, '125.4x'],
      [13, 10, '1.3x'],
    ])('gives %d / %d as %s', (numerator, denominator, expected) => {
      expect(formatRatio(numerator, denominator)).toBe(expected);
    });
  });

  describe('when a side is missing or zero', () => {
    it.each([
      [Number.NaN, 10],
      [10, Number.NaN],
      [10, 0],
      [0, 10],
      [Number.POSITIVE_INFINITY, 10],
    ])('gives n/a for %d / %d', (numerator, denominator) => {
      expect(formatRatio(numerator, denominator)).toBe('n/a');
    });
  });
});

describe('ratioLine', () => {
  it('names the figure, the numerator and the denominator in the compared form', () => {
    expect(ratioLine('latency p50', { name: 'AMKO-style sequential', value: 42 }, { name: 'amko-federation', value: 10 })).toBe('ratio latency p50 AMKO-style sequential / amko-federation: 4.2x');
  });
});

describe('summarise', () => {
  describe('when there are 100 samples', () => {
    it('gives the nearest-rank p50 and p99 and the max, whatever the order', () => {
      const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
      expect(summarise(samples)).toEqual({ count: 100, p50: 51, p99: 100, max: 100 });
    });
  });

  describe('when there is none', () => {
    it('gives NaN figures', () => {
      const none = summarise([]);
      expect(none.count).toBe(0);
      expect(none.p50).toBeNaN();
      expect(none.max).toBeNaN();
    });
  });
});

describe('renderTable', () => {
  it('gives a header, a rule and one aligned line per figure with its load average', () => {
    const lines = renderTable([
      { scenario: 'latency', system: 'floor', figure: 'p50', value: '9.5 ms', load: 1.234 },
      { scenario: 'latency', system: 'kubectl loop', figure: 'p50', value: '1994.7 ms', load: 5.3 },
    ]);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^latency\s+floor\s+p50\s+9\.5 ms\s+1\.23$/);
    expect(lines[3]).toMatch(/kubectl loop\s+p50\s+1994\.7 ms\s+5\.30$/);
    expect(lines[2]?.indexOf('9.5 ms')).toBe((lines[3]?.indexOf('1994.7 ms') ?? 0) + 3);
  });
});

describe('ms', () => {
  it('gives one decimal, or n/a', () => {
    expect(ms(12.345)).toBe('12.3 ms');
    expect(ms(Number.NaN)).toBe('n/a');
  });
});

describe('perRoundRatios', () => {
  it('divides the p50 of each round by the other side\'s p50 of the same round', () => {
    expect(perRoundRatios([[10, 20, 30], [40]], [[10, 10, 10], [20]])).toEqual([2, 2]);
  });

  it('gives NaN for a round without samples on a side, and stops at the shorter side', () => {
    const ratios = perRoundRatios([[], [6], [9]], [[3], [3]]);
    expect(ratios).toHaveLength(2);
    expect(ratios[0]).toBeNaN();
    expect(ratios[1]).toBe(2);
  });
});

describe('perRoundLine', () => {
  it('prints every round with two decimals and the median of the rounds', () => {
    expect(perRoundLine('latency p50', 'amko-federation', 'floor', [1.6, 1.4, 1.52])).toBe('per round: latency p50 amko-federation / floor 1.60 1.40 1.52 (median 1.52)');
  });

  it('leaves rounds without a ratio out of the median, which is taken as every p50 (the upper middle of an even count)', () => {
    expect(perRoundLine('latency p50', 'a', 'b', [1.2, Number.NaN, 1.4, 1.6, 1.0])).toBe('per round: latency p50 a / b 1.20 n/a 1.40 1.60 1.00 (median 1.40)');
  });

  it('prints n/a for the median when no round has a ratio', () => {
    expect(perRoundLine('latency p50', 'a', 'b', [Number.NaN])).toBe('per round: latency p50 a / b n/a (median n/a)');
  });
});
