import { describe, expect, it } from 'vitest';
import {
  AmkoFedError,
  classifyHttpStatus,
  ConflictError,
  errorForHttpStatus,
  FencedLeaderError,
  ForbiddenError,
  InvalidJobPayloadError,
  InvalidNameError,
  InvalidPayloadError,
  isRetryable,
  NotFoundError,
  parseRetryAfterMs,
  RequestRejectedError,
  SchemaRejectedError,
  ThrottledError,
  UnavailableError,
  UnknownClusterError,
} from '../index.ts';

describe('error classes', () => {
  const cause = new Error('socket hang up');
  const cases: { given: string; error: AmkoFedError; code: string; retryable: boolean; name: string }[] = [
    { given: 'an invalid payload', error: new InvalidPayloadError('bad job', { cause }), code: 'INVALID_PAYLOAD', retryable: false, name: 'InvalidPayloadError' },
    { given: 'an invalid job payload', error: new InvalidJobPayloadError(['seq: too small'], { cause }), code: 'INVALID_JOB_PAYLOAD', retryable: false, name: 'InvalidJobPayloadError' },
    { given: 'an invalid name', error: new InvalidNameError('cluster', 'has a ":"', { cause }), code: 'INVALID_NAME', retryable: false, name: 'InvalidNameError' },
    { given: 'an unknown cluster', error: new UnknownClusterError('c9', { cause }), code: 'UNKNOWN_CLUSTER', retryable: false, name: 'UnknownClusterError' },
    { given: 'a fenced leader', error: new FencedLeaderError('c2', { cause }), code: 'FENCED_LEADER', retryable: false, name: 'FencedLeaderError' },
    { given: 'a schema rejection', error: new SchemaRejectedError('422', { cause }), code: 'SCHEMA_REJECTED', retryable: false, name: 'SchemaRejectedError' },
    { given: 'another rejection', error: new RequestRejectedError('415', { cause }), code: 'REQUEST_REJECTED', retryable: false, name: 'RequestRejectedError' },
    { given: 'a forbidden request', error: new ForbiddenError('403', { cause }), code: 'FORBIDDEN', retryable: true, name: 'ForbiddenError' },
    { given: 'a not-found', error: new NotFoundError('404', { cause }), code: 'NOT_FOUND', retryable: true, name: 'NotFoundError' },
    { given: 'a conflict', error: new ConflictError('409', { cause }), code: 'CONFLICT', retryable: true, name: 'ConflictError' },
    { given: 'throttling', error: new ThrottledError('429', { cause, retryAfterMs: 2000 }), code: 'THROTTLED', retryable: true, name: 'ThrottledError' },
    { given: 'unavailability', error: new UnavailableError('timeout', { cause }), code: 'UNAVAILABLE', retryable: true, name: 'UnavailableError' },
  ];

  describe('when constructed', () => {
    it.each(cases)('$given has code $code, retryable $retryable, its class name and its cause', ({ error, code, retryable, name }) => {
      expect(error).toBeInstanceOf(AmkoFedError);
      expect(error).toBeInstanceOf(Error);
      expect([error.code, error.retryable, error.name]).toEqual([code, retryable, name]);
      expect(error.cause).toBe(cause);
      expect(isRetryable(error)).toBe(retryable);
    });
  });

  describe('when carrying details', () => {
    it('names the cluster in UnknownClusterError and FencedLeaderError', () => {
      expect(new UnknownClusterError('c9').message).toBe('unknown cluster c9: not a member of the federation');
      expect(new FencedLeaderError('c2')).toMatchObject({ cluster: 'c2', message: 'refusing to write into cluster c2: its AMKOCluster says isLeader: true' });
    });
    it('keeps retryAfterMs and status', () => {
      expect(new ThrottledError('x', { retryAfterMs: 1500 }).retryAfterMs).toBe(1500);
      expect(new SchemaRejectedError('x').status).toBe(422);
      expect(new SchemaRejectedError('x', { status: 400 }).status).toBe(400);
      expect(new UnavailableError('x', { status: 503 }).status).toBe(503);
    });
    it('has no cause property when none was given', () => {
      expect('cause' in new ConflictError('x')).toBe(false);
    });
  });

  describe('when the failure is not one of ours', () => {
    it('is presumed transient (retryable)', () => {
      expect(isRetryable(new TypeError('fetch failed'))).toBe(true);
      expect(isRetryable('string')).toBe(true);
    });
  });
});

describe('classifyHttpStatus', () => {
  const cases = [
    { status: 200, then: 'success', retryable: false },
    { status: 201, then: 'success', retryable: false },
    { status: 400, then: 'schema-rejected', retryable: false },
    { status: 422, then: 'schema-rejected', retryable: false },
    { status: 401, then: 'forbidden', retryable: true },
    { status: 403, then: 'forbidden', retryable: true },
    { status: 404, then: 'not-found', retryable: true },
    { status: 405, then: 'rejected', retryable: false },
    { status: 408, then: 'unavailable', retryable: true },
    { status: 409, then: 'conflict', retryable: true },
    { status: 410, then: 'conflict', retryable: true },
    { status: 413, then: 'rejected', retryable: false },
    { status: 429, then: 'throttled', retryable: true },
    { status: 500, then: 'unavailable', retryable: true },
    { status: 503, then: 'unavailable', retryable: true },
    { status: 504, then: 'unavailable', retryable: true },
    { status: 0, then: 'unavailable', retryable: true },
    { status: Number.NaN, then: 'unavailable', retryable: true },
    { status: 302, then: 'rejected', retryable: false },
  ];
  it.each(cases)('classifies $status as $then (retryable $retryable)', ({ status, then, retryable }) => {
    expect(classifyHttpStatus(status)).toEqual({ class: then, retryable });
  });
});

describe('errorForHttpStatus', () => {
  const cases = [
    { status: 204, then: undefined },
    { status: 422, then: SchemaRejectedError },
    { status: 403, then: ForbiddenError },
    { status: 404, then: NotFoundError },
    { status: 409, then: ConflictError },
    { status: 429, then: ThrottledError },
    { status: 502, then: UnavailableError },
    { status: 0, then: UnavailableError },
    { status: 415, then: RequestRejectedError },
  ];
  it.each(cases)('maps $status to the matching class', ({ status, then }) => {
    const error = errorForHttpStatus(status, 'Could not update GSLBConfig avi-system/gc-1');
    if (then === undefined) expect(error).toBeUndefined();
    else expect(error).toBeInstanceOf(then);
  });
  it('passes retryAfterMs, status and cause through', () => {
    const cause = new Error('body');
    expect(errorForHttpStatus(429, 'slow down', { retryAfterMs: 3000, cause })).toMatchObject({ retryAfterMs: 3000, cause });
    expect(errorForHttpStatus(400, 'bad')).toMatchObject({ status: 400 });
    expect(errorForHttpStatus(0, 'reset')).toMatchObject({ status: undefined });
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-02-16T12:00:00Z');
  const cases = [
    { given: undefined, then: undefined },
    { given: '5', then: 5000 },
    { given: ' 0 ', then: 0 },
    { given: 'Mon, 16 Feb 2026 12:00:30 GMT', then: 30000 },
    { given: 'Mon, 16 Feb 2026 11:00:00 GMT', then: 0 },
    { given: 'soon', then: undefined },
    { given: '-1', then: undefined },
    { given: '1.5', then: undefined },
  ];
  it.each(cases)('reads $given as $then ms', ({ given, then }) => {
    expect(parseRetryAfterMs(given, now)).toBe(then);
  });
});
