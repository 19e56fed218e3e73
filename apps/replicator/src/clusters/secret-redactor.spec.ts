import { describe, expect, it } from 'vitest';
import { collectStrings, createSecretRedactor } from './secret-redactor.ts';

describe('createSecretRedactor', () => {
  describe('when a message contains a known credential', () => {
    it('removes it wherever it appears', () => {
      const redact = createSecretRedactor(['emu-0123456789abcdef', 'short']);
      expect(redact('token emu-0123456789abcdef rejected; emu-0123456789abcdef')).toBe('token [redacted] rejected; [redacted]');
      expect(redact('a short word stays')).toBe('a short word stays');
    });
  });

  describe('when a message contains credential-shaped text', () => {
    it.each([
      ['Authorization: Bearer abc.DEF-123', 'Authorization: Bearer [redacted]'],
      ['redis://user:pw@redis:6379/0 refused', 'redis://[redacted]@redis:6379/0 refused'],
      ['token=abc123&x=1', 'token=[redacted]&x=1'],
      ['"password": "hunter2"', '"password": "[redacted]"'],
    ])('%s → %s', (text, expected) => {
      expect(createSecretRedactor([])(text)).toBe(expected);
    });
  });
});

describe('collectStrings', () => {
  it('finds strings at any depth', () => {
    expect([...collectStrings({ a: 'x', b: [{ c: 'y' }, 3, null] })].sort()).toEqual(['x', 'y']);
  });
});
