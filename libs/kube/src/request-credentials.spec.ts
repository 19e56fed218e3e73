import { describe, expect, it } from 'vitest';
import { sameTls } from './request-credentials.ts';

describe('sameTls', () => {
  describe('when the material has the same content', () => {
    it('is the same, whether given as equal buffers or the same strings', () => {
      expect(sameTls({ ca: Buffer.from('ca'), cert: 'CERT', key: 'KEY' }, { ca: Buffer.from('ca'), cert: 'CERT', key: 'KEY' })).toBe(true);
      expect(sameTls({ ca: [Buffer.from('a'), 'b'] }, { ca: [Buffer.from('a'), 'b'] })).toBe(true);
    });
  });

  describe('when an exec plugin rotated the client certificate', () => {
    it('differs', () => {
      expect(sameTls({ cert: 'CERT-1', key: 'KEY' }, { cert: 'CERT-2', key: 'KEY' })).toBe(false);
      expect(sameTls({ ca: Buffer.from('ca') }, { ca: Buffer.from('ca'), rejectUnauthorized: false })).toBe(false);
    });
  });
});
