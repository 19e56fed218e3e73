import { ConflictError, SchemaRejectedError, UnavailableError, type ThrottledError } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { errorForResponse, httpStatusOf, toKubeError } from './kube-error.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('errorForResponse', () => {
  describe('when the body is a Kubernetes Status', () => {
    it('puts its message after the operation and keeps the status', () => {
      const err = errorForResponse(422, JSON.stringify({ kind: 'Status', message: 'spec.refreshInterval: Invalid value' }), {}, 'create GSLBConfig a/b on c1', NOW);
      expect(err).toBeInstanceOf(SchemaRejectedError);
      expect(err?.message).toBe('create GSLBConfig a/b on c1: spec.refreshInterval: Invalid value');
      expect(httpStatusOf(err)).toBe(422);
    });
  });

  describe('when the body is not JSON or empty', () => {
    it('uses the text, or the status code', () => {
      expect(errorForResponse(409, 'conflict!', {}, 'op', NOW)?.message).toBe('op: conflict!');
      expect(errorForResponse(409, '', {}, 'op', NOW)).toBeInstanceOf(ConflictError);
      expect(errorForResponse(503, '', {}, 'op', NOW)?.message).toBe('op: HTTP 503');
    });
  });

  describe('when a 429 carries Retry-After', () => {
    it('reads it in seconds or as a date, from a single or repeated header', () => {
      expect((errorForResponse(429, '', { 'retry-after': '7' }, 'op', NOW) as ThrottledError).retryAfterMs).toBe(7_000);
      expect((errorForResponse(429, '', { 'Retry-After': ['2', '9'] }, 'op', NOW) as ThrottledError).retryAfterMs).toBe(2_000);
      expect((errorForResponse(429, '', { 'retry-after': new Date(NOW + 4_000).toUTCString() }, 'op', NOW) as ThrottledError).retryAfterMs).toBe(4_000);
    });
  });

  describe('when the status is a success', () => {
    it('gives no error', () => {
      expect(errorForResponse(200, '{}', {}, 'op', NOW)).toBeUndefined();
    });
  });
});

describe('toKubeError', () => {
  describe('when undici gives up waiting', () => {
    it('says the API server did not answer in time, for connect, headers and body timeouts', () => {
      for (const code of ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
        const err = toKubeError(Object.assign(new Error('Headers Timeout Error'), { code }), 'get X a/b on c1');
        expect(err).toBeInstanceOf(UnavailableError);
        expect(err.message).toBe('get X a/b on c1: the API server did not answer in time');
      }
    });
  });

  describe('when the connection fails', () => {
    it('names the network error and its code', () => {
      const err = toKubeError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'list X a on c2');
      expect(err).toBeInstanceOf(UnavailableError);
      expect(err.message).toBe('list X a on c2: connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)');
    });
  });
});
