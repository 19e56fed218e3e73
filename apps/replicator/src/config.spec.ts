import { ConfigError } from '@amko-fed/service';
import { describe, expect, it } from 'vitest';
import { hasBoardCredentials, loadConfig, type SecretFileReader } from './config.ts';

const BASE = { REDIS_URL: 'redis://redis:6379', GSLB_CONFIG_FILE: '/etc/gslb/gslb-members' };
const files: Record<string, string> = { '/s/password': 'pw-1\n', '/s/token': ' tok-2 ', '/s/empty': '\n' };
const read: SecretFileReader = (path) => {
  const content = files[path];
  if (content === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return content;
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, read);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  describe('when only the required variables are set', () => {
    it('applies the documented defaults', () => {
      const config = loadConfig(BASE, read);
      expect(config).toMatchObject({
        keyPrefix: '{amko-fed}',
        gslbConfig: { inline: undefined, file: '/etc/gslb/gslb-members' },
        concurrency: 4,
        retryBaseMs: 500,
        retryCapMs: 300_000,
        retryAttempts: 12,
        fenceCacheTtlMs: 2_000,
        burstQuietMs: 50,
        burstMaxDeferMs: 1_000,
        writtenCopies: 2_000,
        kubeRequestTimeoutMs: 10_000,
        shutdownTimeoutMs: 20_000,
        workerStallTimeoutMs: 30_000,
        heapGrowingPercent: 100,
        httpPort: 8082,
        httpHost: '0.0.0.0',
        boardReadOnly: true,
        logLevel: 'info',
        logFormat: 'json',
      });
      expect(hasBoardCredentials(config.board)).toBe(false);
    });
  });

  describe('when BOARD_READ_ONLY=false opts in to write access on the board', () => {
    it('turns the read-only board off', () => {
      expect(loadConfig({ ...BASE, BOARD_READ_ONLY: 'false' }, read).boardReadOnly).toBe(false);
    });
  });

  describe('when board credentials come from Secret files', () => {
    it('reads and trims them', () => {
      const config = loadConfig({ ...BASE, BOARD_USERNAME: 'ops', BOARD_PASSWORD_FILE: '/s/password', BOARD_TOKEN_FILE: '/s/token', BOARD_READ_ONLY: 'no' }, read);
      expect(config.board).toEqual({ basic: { username: 'ops', password: 'pw-1' }, bearerToken: 'tok-2' });
      expect(config.boardReadOnly).toBe(false);
    });
  });

  describe('when values are bad', () => {
    it.each([
      [{ REDIS_URL: undefined }, /^REDIS_URL: is required/],
      [{ REDIS_URL: 'http://x' }, /^REDIS_URL: "\[redacted\]" is not a usable Redis URL/],
      [{ KEY_PREFIX: 'amko' }, /^KEY_PREFIX: .*hash tag/],
      [{ GSLB_CONFIG_FILE: undefined }, /^GSLB_CONFIG: neither GSLB_CONFIG nor GSLB_CONFIG_FILE is set/],
      [{ GSLB_CONFIG: 'apiVersion: v1' }, /^GSLB_CONFIG_FILE: set either GSLB_CONFIG or GSLB_CONFIG_FILE, not both/],
      [{ CONCURRENCY: '0' }, /^CONCURRENCY: "0" is not a whole number from 1 to 256/],
      [{ HEAP_GROWING_PERCENT: '1.5' }, /^HEAP_GROWING_PERCENT: "1.5" is not a whole number from 0 to 1000/],
      [{ WRITTEN_COPIES: '-1' }, /^WRITTEN_COPIES: "-1" is not a whole number from 0 to 1000000/],
      [{ RETRY_BASE: 'fast' }, /^RETRY_BASE: "fast" is not a duration/],
      [{ RETRY_CAP: '100ms' }, /^RETRY_CAP: must not be below RETRY_BASE/],
      [{ RETRY_ATTEMPTS: '-1' }, /^RETRY_ATTEMPTS: /],
      [{ FENCE_CACHE_TTL: '0s' }, /^FENCE_CACHE_TTL: "0s" is not a duration/],
      [{ BURST_QUIET: 'soon' }, /^BURST_QUIET: "soon" is not a duration/],
      [{ BURST_QUIET: '2s' }, /^BURST_MAX_DEFER: must not be below BURST_QUIET/],
      [{ WORKER_STALL_TIMEOUT: 'never' }, /^WORKER_STALL_TIMEOUT: "never" is not a duration/],
      [{ WORKER_STALL_TIMEOUT: '500ms' }, /^WORKER_STALL_TIMEOUT: must be at least 1s/],
      [{ HTTP_PORT: '99999' }, /^HTTP_PORT: "99999" is not a whole number from 0 to 65535/],
      [{ BOARD_READ_ONLY: 'maybe' }, /^BOARD_READ_ONLY: must be true or false/],
      [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: must be one of/],
      [{ LOG_FORMAT: 'xml' }, /^LOG_FORMAT: must be json or pretty/],
      [{ BOARD_USERNAME: 'ops' }, /^BOARD_PASSWORD_FILE: BOARD_USERNAME is set without a password/],
      [{ BOARD_PASSWORD_FILE: '/s/password' }, /^BOARD_USERNAME: a board password is set without a user name/],
      [{ BOARD_USERNAME: 'ops', BOARD_PASSWORD: 'a', BOARD_PASSWORD_FILE: '/s/password' }, /^BOARD_PASSWORD: set either/],
      [{ BOARD_USERNAME: 'ops', BOARD_PASSWORD_FILE: '/s/missing' }, /^BOARD_PASSWORD_FILE: cannot read \/s\/missing \(ENOENT\); mount the Secret key there/],
      [{ BOARD_TOKEN_FILE: '/s/empty' }, /^BOARD_TOKEN_FILE: \/s\/empty is empty/],
    ])('names the variable and the fix for %j', (overrides, expected) => {
      const env = { ...BASE, ...overrides } as Record<string, string>;
      for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
      expect(problemsOf(env).some((p) => expected.test(p))).toBe(true);
    });

    it('names every problem in one error: bad values, missing and conflicting variables alike', () => {
      const env = { REDIS_URL: 'redis://redis:6379', RETRY_BASE: 'fast', HTTP_PORT: '99999', BOARD_USERNAME: 'ops', BURST_QUIET: '5s', BOARD_TOKEN_FILE: '/s/missing' };
      let error: unknown;
      try {
        loadConfig(env, read);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONFIG_INVALID');
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
        'RETRY_BASE', 'HTTP_PORT', 'GSLB_CONFIG', 'BURST_MAX_DEFER', 'BOARD_PASSWORD_FILE', 'BOARD_TOKEN_FILE',
      ]);
      expect((error as ConfigError).message).toMatch(/^invalid configuration:\n {2}- RETRY_BASE: "fast" is not a duration; use e\.g\. 500ms or 1s\n/);
    });

    it('never echoes a secret value', () => {
      const problems = problemsOf({ ...BASE, REDIS_URL: 'redis//:hunter2@redis' });
      expect(problems.join('\n')).not.toContain('hunter2');
    });
  });
});
