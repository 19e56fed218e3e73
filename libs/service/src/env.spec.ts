import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { durationMs, parseDurationMs, parseEnv, port, readEnv } from './env.ts';
import { ConfigError } from './errors/config-error.ts';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500], ['30s', 30_000], ['5m', 300_000], ['1h', 3_600_000], ['250', 250], ['1.5s', 1500],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });
  it.each(['', 'abc', '5 minutes', '-1s', '1d'])('rejects %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});

describe('parseEnv', () => {
  const schema = z.object({
    RESYNC_INTERVAL: durationMs('use e.g. 30s or 5m').prefault('30s'),
    HTTP_PORT: port.prefault('8080'),
    REDIS_URL: z.string().url({ error: (i) => `"${String(i.input)}" is not a URL; use redis://host:6379` }),
  });

  describe('when every value is valid', () => {
    it('returns the parsed values with defaults', () => {
      expect(parseEnv(schema, { REDIS_URL: 'redis://localhost:6379' })).toEqual({
        RESYNC_INTERVAL: 30_000, HTTP_PORT: 8080, REDIS_URL: 'redis://localhost:6379',
      });
    });
  });

  describe('when values are bad', () => {
    it('names every bad variable and the fix', () => {
      const error = (() => {
        try {
          parseEnv(schema, { RESYNC_INTERVAL: 'soon', HTTP_PORT: '70000', REDIS_URL: 'redis://localhost' });
          return undefined;
        } catch (err) {
          return err;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toContain('RESYNC_INTERVAL: "soon" is not a duration; use e.g. 30s or 5m');
      expect(problems).toContain('HTTP_PORT: "70000" is not a whole number from 0 to 65535');
    });

    it('never echoes the value of a secret variable', () => {
      expect(() => parseEnv(schema, { REDIS_URL: 'not a url with hunter2' })).toThrow(/REDIS_URL: "\[redacted\]" is not a URL/);
      expect(() => parseEnv(schema, { REDIS_URL: 'not a url with hunter2' })).not.toThrow(/hunter2/);
    });
  });
});

describe('readEnv', () => {
  const schema = z.object({
    RETRY_BASE: durationMs('use e.g. 500ms').prefault('500ms'),
    HTTP_PORT: port.prefault('8080'),
    REDIS_PASSWORD: z.string({ error: 'is required' }).min(8, { error: (i) => `"${String(i.input)}" is too short; use 8 characters or more` }),
  });

  describe('when every value is valid', () => {
    it('returns every value and no problem', () => {
      const reading = readEnv(schema, { HTTP_PORT: '9090', REDIS_PASSWORD: 'long-enough' });
      expect(reading.problems).toEqual([]);
      expect(reading.complete()).toEqual({ RETRY_BASE: 500, HTTP_PORT: 9090, REDIS_PASSWORD: 'long-enough' });
    });
  });

  describe('when several values are bad', () => {
    const env = { RETRY_BASE: 'fast', HTTP_PORT: '8081', REDIS_PASSWORD: 'hunter2' };

    it('keeps the values that parsed and one problem per bad variable, without throwing', () => {
      const reading = readEnv(schema, env);
      expect(reading.values).toEqual({ HTTP_PORT: 8081 });
      expect(reading.problems).toEqual(['RETRY_BASE: "fast" is not a duration; use e.g. 500ms', 'REDIS_PASSWORD: "[redacted]" is too short; use 8 characters or more']);
    });

    it('throws one ConfigError naming them and the problems the caller added', () => {
      const reading = readEnv(schema, env);
      reading.problems.push('GSLB_CONFIG: neither GSLB_CONFIG nor GSLB_CONFIG_FILE is set');
      let error: unknown;
      try {
        reading.complete();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONFIG_INVALID');
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['RETRY_BASE', 'REDIS_PASSWORD', 'GSLB_CONFIG']);
      expect((error as ConfigError).message).not.toContain('hunter2');
    });
  });
});
