import { AmkoFedError, isRetryable } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { ClosedError } from './closed-error.ts';
import { InvalidRecordError } from './invalid-record-error.ts';
import { InvalidRedisUrlError } from './invalid-redis-url-error.ts';
import { RedisCommandError } from './redis-command-error.ts';
import { ReplaySelectionError } from './replay-selection-error.ts';
import { StoreChange, StoreChangedError } from './store-changed-error.ts';

describe('queue errors', () => {
  const cause = new Error('ECONNRESET');
  const cases: { given: string; error: AmkoFedError; code: string; retryable: boolean; name: string; message: string }[] = [
    { given: 'an invalid record', error: new InvalidRecordError('member registry', ['members.0.cluster: bad', 'at: required']), code: 'INVALID_RECORD', retryable: false, name: 'InvalidRecordError', message: 'Invalid member registry: members.0.cluster: bad; at: required' },
    { given: 'an invalid Redis URL', error: new InvalidRedisUrlError('redis://:***@h:1', 'no host'), code: 'INVALID_REDIS_URL', retryable: false, name: 'InvalidRedisUrlError', message: 'Invalid Redis URL redis://:***@h:1: no host' },
    { given: 'a failed Redis command', error: new RedisCommandError('appendEvent', { cause }), code: 'REDIS_COMMAND_FAILED', retryable: true, name: 'RedisCommandError', message: 'Redis operation appendEvent failed: ECONNRESET' },
    { given: 'a closed component', error: new ClosedError('follower queues'), code: 'CLOSED', retryable: false, name: 'ClosedError', message: 'follower queues is closed' },
    { given: 'a replaced data set', error: new StoreChangedError(StoreChange.replaced), code: 'STORE_CHANGED', retryable: true, name: 'StoreChangedError', message: 'Redis holds a different federation data set than this writer knows (data lost or replaced)' },
    { given: 'a bad replay selection', error: new ReplaySelectionError('allObjects needs a cluster'), code: 'INVALID_REPLAY_SELECTION', retryable: false, name: 'ReplaySelectionError', message: 'allObjects needs a cluster' },
  ];

  describe('when constructed', () => {
    it.each(cases)('$given is an AmkoFedError with code $code, retryable $retryable and its message', ({ error, code, retryable, name, message }) => {
      expect(error).toBeInstanceOf(AmkoFedError);
      expect([error.code, error.retryable, error.name, error.message]).toEqual([code, retryable, name, message]);
      expect(isRetryable(error)).toBe(retryable);
      expect('terminal' in error).toBe(false);
    });
  });

  describe('when wrapping a Redis failure', () => {
    it('keeps the cause', () => {
      expect(new RedisCommandError('readProjection', { cause }).cause).toBe(cause);
    });
  });
});
