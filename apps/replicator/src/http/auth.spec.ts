import { describe, expect, it } from 'vitest';
import { authenticate, challengeFor, safeEqual } from './auth.ts';

const both = { basic: { username: 'ops', password: 'p:ss w0rd' }, bearerToken: 'tok-123' };
const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;

describe('authenticate', () => {
  describe('when basic auth and a token are configured', () => {
    it.each([
      [basic('ops:p:ss w0rd'), { ok: true, scheme: 'basic' }],
      ['Bearer tok-123', { ok: true, scheme: 'bearer' }],
      ['bearer tok-123', { ok: true, scheme: 'bearer' }],
      [basic('ops:wrong'), { ok: false }],
      [basic('root:p:ss w0rd'), { ok: false }],
      [basic('no-colon'), { ok: false }],
      ['Bearer tok-1234', { ok: false }],
      ['Bearer', { ok: false }],
      ['Digest abc', { ok: false }],
      [undefined, { ok: false }],
    ])('%s → %j', (header, expected) => {
      expect(authenticate(header, both)).toEqual(expected);
    });
  });

  describe('when only a token is configured', () => {
    it('refuses basic auth and challenges with Bearer', () => {
      const tokenOnly = { basic: undefined, bearerToken: 'tok-123' };
      expect(authenticate(basic('ops:p:ss w0rd'), tokenOnly)).toEqual({ ok: false });
      expect(challengeFor(tokenOnly)).toMatch(/^Bearer /);
      expect(challengeFor(both)).toMatch(/^Basic /);
    });
  });
});

describe('safeEqual', () => {
  it('compares strings of any length', () => {
    expect(safeEqual('a', 'a')).toBe(true);
    expect(safeEqual('a', 'ab')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});
