import {
  ConflictError,
  FencedLeaderError,
  InvalidJobPayloadError,
  InvalidPayloadError,
  SchemaRejectedError,
  ThrottledError,
  UnavailableError,
  UnknownClusterError,
} from '@amko-fed/domain';
import { InvalidRecordError, RedisCommandError, StoreChange, StoreChangedError } from '@amko-fed/queue';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createSecretRedactor } from '../clusters/secret-redactor.ts';
import { AttemptFailedError } from './errors/attempt-failed-error.ts';
import { classifyFailure, toWorkerError } from './job-failure.ts';

const redact = createSecretRedactor(['sekret-token-123']);
const classify = (error: unknown, attempt = 1, maxAttempts = 12) => classifyFailure({ error, redact, attempt, maxAttempts });

describe('classifyFailure', () => {
  describe('when the error can never succeed on retry', () => {
    it.each([
      [new SchemaRejectedError('replace GSLBConfig avi-system/gc-1 on c2: spec.ttl: Invalid value', { status: 422 }), 'SCHEMA_REJECTED', 'failed'],
      [new SchemaRejectedError('bad request', { status: 400 }), 'SCHEMA_REJECTED', 'failed'],
      [new UnknownClusterError('ghost'), 'UNKNOWN_CLUSTER', 'failed'],
      [new InvalidPayloadError('bad object'), 'INVALID_PAYLOAD', 'failed'],
      [new InvalidJobPayloadError(['seq: expected number']), 'INVALID_JOB_PAYLOAD', 'failed'],
      [new FencedLeaderError('c2'), 'FENCED_LEADER', 'fenced'],
      [new InvalidRecordError('projection entry GSLBConfig/avi-system/gc-1', ['not JSON']), 'INVALID_RECORD', 'failed'],
    ])('%s is terminal with code %s and outcome %s', (error, code, outcome) => {
      const failure = classify(error);
      expect(failure).toMatchObject({ terminal: true, code, outcome });
      expect(toWorkerError(failure)).toBeInstanceOf(UnrecoverableError);
      expect(toWorkerError(failure).message).toBe(`${code}: ${error.message}`);
    });
  });

  describe('when a retry may succeed', () => {
    it.each([
      [new UnavailableError('get on c2: connect ECONNREFUSED'), 'UNAVAILABLE'],
      [new ConflictError('replace: the object has been modified'), 'CONFLICT'],
      [new RedisCommandError('readProjection'), 'REDIS_COMMAND_FAILED'],
      [new StoreChangedError(StoreChange.replaced), 'STORE_CHANGED'],
      [new TypeError('surprise'), 'UNEXPECTED'],
    ])('%s is retryable with code %s', (error, code) => {
      const failure = classify(error);
      expect(failure).toMatchObject({ terminal: false, code, outcome: 'failed' });
      expect(toWorkerError(failure)).toBeInstanceOf(AttemptFailedError);
    });

    it('carries a 429 Retry-After to the backoff strategy', () => {
      const failure = classify(new ThrottledError('too many requests', { retryAfterMs: 3_000 }));
      expect(failure).toMatchObject({ terminal: false, code: 'THROTTLED', retryAfterMs: 3_000 });
      expect((toWorkerError(failure) as AttemptFailedError).retryAfterMs).toBe(3_000);
    });

    it('gives up once the attempt budget is spent', () => {
      const failure = classify(new UnavailableError('timeout'), 12, 12);
      expect(failure).toMatchObject({ terminal: true, code: 'UNAVAILABLE', message: 'gave up after 12 attempts: timeout' });
    });
  });

  describe('when a message carries a credential', () => {
    it('redacts it before it is recorded or handed to BullMQ', () => {
      const failure = classify(new UnavailableError('get on c2 with sekret-token-123: Authorization: Bearer abc.def'));
      expect(failure.message).not.toContain('sekret-token-123');
      expect(failure.message).not.toContain('abc.def');
      expect(toWorkerError(failure).message).not.toContain('sekret-token-123');
    });
  });
});
