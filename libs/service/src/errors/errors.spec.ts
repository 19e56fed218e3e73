import { AmkoFedError } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { GslbConfigUnavailableError } from './gslb-config-unavailable-error.ts';

describe('service errors', () => {
  describe('when the configuration is invalid', () => {
    it('is a terminal CONFIG_INVALID error listing every problem', () => {
      const error = new ConfigError(['REDIS_URL: required', 'HTTP_PORT: not a port']);
      expect(error).toBeInstanceOf(AmkoFedError);
      expect([error.code, error.retryable, error.name]).toEqual(['CONFIG_INVALID', false, 'ConfigError']);
      expect(error.message).toBe('invalid configuration:\n  - REDIS_URL: required\n  - HTTP_PORT: not a port');
      expect(error.problems).toEqual(['REDIS_URL: required', 'HTTP_PORT: not a port']);
    });
  });

  describe('when GSLB_CONFIG_FILE cannot be read', () => {
    it('is a retryable GSLB_CONFIG_UNAVAILABLE error with its cause', () => {
      const cause = new Error('ENOENT');
      const error = new GslbConfigUnavailableError('cannot read GSLB_CONFIG_FILE /x (ENOENT)', { cause });
      expect(error).toBeInstanceOf(AmkoFedError);
      expect([error.code, error.retryable, error.name, error.cause]).toEqual(['GSLB_CONFIG_UNAVAILABLE', true, 'GslbConfigUnavailableError', cause]);
    });
  });
});
