import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  describe('when given a kubectl-style duration', () => {
    it.each([['30', 30_000], ['30s', 30_000], ['5m', 300_000], ['1h', 3_600_000], ['500ms', 500], ['1.5m', 90_000]])('reads %s as %d ms', (text, ms) => {
      expect(parseDuration(text)).toBe(ms);
    });
  });
  describe('when given something else', () => {
    it.each(['', 'soon', '-1s', '5d', '1 m'])('refuses %j', (text) => {
      expect(parseDuration(text)).toBeUndefined();
    });
  });
});
