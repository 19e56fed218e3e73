import { describe, expect, it } from 'vitest';
import { parseSeconds } from './duration.ts';

describe('parseSeconds', () => {
  describe('when given a duration', () => {
    it.each([
      ['180', 180_000],
      ['90s', 90_000],
      ['3m', 180_000],
      ['1.5m', 90_000],
    ])('reads %s as %d ms', (text, ms) => {
      expect(parseSeconds(text)).toBe(ms);
    });
  });
  describe('when given something else', () => {
    it.each(['', '0', '-5', '5h', 'soon', '10 s'])('refuses %j', (text) => {
      expect(parseSeconds(text)).toBeUndefined();
    });
  });
});
