import { describe, expect, it } from 'vitest';
import { capErrorMessage, MAX_ERROR_MESSAGE_LENGTH } from './result-records.ts';

describe('capErrorMessage', () => {
  describe('when the message is short', () => {
    it('keeps it', () => {
      expect(capErrorMessage('conflict')).toBe('conflict');
    });
  });

  describe('when the message is too long', () => {
    it('cuts it to the maximum and marks the cut', () => {
      const capped = capErrorMessage('x'.repeat(5_000));
      expect(capped).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
      expect(capped.endsWith('…')).toBe(true);
    });

    it('does not split a surrogate pair', () => {
      const capped = capErrorMessage(`${'x'.repeat(MAX_ERROR_MESSAGE_LENGTH - 2)}😀${'y'.repeat(10)}`);
      expect(capped.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
      expect(capped.isWellFormed()).toBe(true);
    });
  });
});
