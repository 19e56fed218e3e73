import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.ts';

const labels = { oldLabel: 'a', newLabel: 'b' };
const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('unifiedDiff', () => {
  describe('when the texts are equal', () => {
    it('returns an empty string', () => {
      expect(unifiedDiff(lines('x', 'y'), lines('x', 'y'), labels)).toBe('');
    });
  });

  describe('when lines change', () => {
    it.each<[string, string, string, string]>([
      ['one changed line with context', lines('a', 'b', 'c'), lines('a', 'B', 'c'), lines('--- a', '+++ b', '@@ -1,3 +1,3 @@', ' a', '-b', '+B', ' c')],
      ['an added line at the end', lines('a'), lines('a', 'b'), lines('--- a', '+++ b', '@@ -1 +1,2 @@', ' a', '+b')],
      ['everything from nothing', '', lines('a', 'b'), lines('--- a', '+++ b', '@@ -0,0 +1,2 @@', '+a', '+b')],
      ['everything to nothing', lines('a'), '', lines('--- a', '+++ b', '@@ -1 +0,0 @@', '-a')],
    ])('%s', (_label, before, after, expected) => {
      expect(unifiedDiff(before, after, labels)).toBe(expected);
    });

    it('splits changes far apart into hunks with their own line numbers', () => {
      const before = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
      const after = before.map((l) => (l === 'l2' ? 'L2' : l === 'l18' ? 'L18' : l));
      const diff = unifiedDiff(lines(...before), lines(...after), { ...labels, context: 1 });
      expect(diff).toBe(lines('--- a', '+++ b', '@@ -1,3 +1,3 @@', ' l1', '-l2', '+L2', ' l3', '@@ -17,3 +17,3 @@', ' l17', '-l18', '+L18', ' l19'));
    });
  });
});
