import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@amko-fed/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, writableDirectory } from './config.ts';

const defaults = { hostname: 'watcher-0', pid: 42, stdoutIsTTY: false };
const minimal = { REDIS_URL: 'redis://redis:6379' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, defaults);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  describe('when only REDIS_URL is set', () => {
    it('applies every default', () => {
      expect(loadConfig(minimal, defaults)).toEqual({
        redisUrl: 'redis://redis:6379',
        keyPrefix: '{amko-fed}',
        podNamespace: 'avi-system',
        podName: 'watcher-0-42',
        gslbConfig: { inline: undefined, file: undefined },
        local: { kubeconfigFile: undefined, context: undefined, inCluster: { host: undefined, port: undefined } },
        federatedKinds: ['GSLBConfig', 'GlobalDeploymentPolicy'],
        resyncIntervalMs: 300_000,
        failedRetryBaseMs: 30_000,
        memberCheckIntervalMs: 30_000,
        statusDebounceMs: 500,
        leaseDurationMs: 15_000,
        kubeTimeoutMs: 10_000,
        logLevel: 'info',
        logFormat: 'json',
        httpPort: 8081,
        httpHost: '0.0.0.0',
        history: { maxVersions: 50, maxAgeMs: 720 * 3_600_000 },
        backup: undefined,
      });
    });

    it('logs pretty when stdout is a terminal', () => {
      expect(loadConfig(minimal, { ...defaults, stdoutIsTTY: true }).logFormat).toBe('pretty');
    });
  });

  describe('when every variable is set', () => {
    it('reads them', () => {
      const config = loadConfig(
        {
          ...minimal,
          KEY_PREFIX: '{fed-a}',
          POD_NAMESPACE: 'amko',
          POD_NAME: 'watcher-7d9f',
          GSLB_CONFIG: 'apiVersion: v1',
          GSLB_CONFIG_FILE: '/etc/members/gslb-members',
          LOCAL_KUBECONFIG: '/tmp/kubeconfig',
          LOCAL_CONTEXT: 'cluster1',
          FEDERATED_KINDS: 'gc, gdp,ghr',
          RESYNC_INTERVAL: '1m',
          MEMBER_CHECK_INTERVAL: '5s',
          FAILED_RETRY_BASE: '10s',
          STATUS_DEBOUNCE: '100ms',
          LEASE_DURATION: '9s',
          KUBE_REQUEST_TIMEOUT: '2s',
          LOG_LEVEL: 'debug',
          LOG_FORMAT: 'pretty',
          HTTP_PORT: '9000',
          HTTP_HOST: '127.0.0.1',
          KUBERNETES_SERVICE_HOST: 'fd00:10:96::1',
          KUBERNETES_SERVICE_PORT: '443',
        },
        defaults,
      );
      expect(config).toMatchObject({
        keyPrefix: '{fed-a}',
        podNamespace: 'amko',
        podName: 'watcher-7d9f',
        gslbConfig: { inline: 'apiVersion: v1', file: '/etc/members/gslb-members' },
        local: { kubeconfigFile: '/tmp/kubeconfig', context: 'cluster1', inCluster: { host: 'fd00:10:96::1', port: '443' } },
        federatedKinds: ['GSLBConfig', 'GlobalDeploymentPolicy', 'GSLBHostRule'],
        resyncIntervalMs: 60_000,
        failedRetryBaseMs: 10_000,
        memberCheckIntervalMs: 5_000,
        statusDebounceMs: 100,
        leaseDurationMs: 9_000,
        kubeTimeoutMs: 2_000,
        logLevel: 'debug',
        logFormat: 'pretty',
        httpPort: 9000,
        httpHost: '127.0.0.1',
      });
    });

    it('accepts kubectl kind names and drops duplicates', () => {
      expect(loadConfig({ ...minimal, FEDERATED_KINDS: 'gslbconfigs,GSLBConfig,globaldeploymentpolicy' }, defaults).federatedKinds).toEqual([
        'GSLBConfig',
        'GlobalDeploymentPolicy',
      ]);
    });
  });

  describe('when values are bad', () => {
    it.each([
      [{}, 'REDIS_URL: is required; set it to the Redis URL, e.g. redis://redis:6379'],
      [{ ...minimal, FEDERATED_KINDS: 'gc,hostrules' }, 'FEDERATED_KINDS: "hostrules" is not a federated kind'],
      [{ ...minimal, FEDERATED_KINDS: ' , ' }, 'FEDERATED_KINDS: is empty'],
      [{ ...minimal, RESYNC_INTERVAL: 'often' }, 'RESYNC_INTERVAL: "often" is not a duration; use e.g. 500ms, 30s or 5m'],
      [{ ...minimal, LEASE_DURATION: '200ms' }, 'LEASE_DURATION: must be at least 1s'],
      [{ ...minimal, HTTP_PORT: '99999' }, 'HTTP_PORT: "99999" is not a whole number from 0 to 65535'],
      [{ ...minimal, LOG_FORMAT: 'xml' }, 'LOG_FORMAT: must be json or pretty'],
      [{ ...minimal, KEY_PREFIX: 'no-hash-tag' }, 'KEY_PREFIX: '],
      [{ ...minimal, POD_NAMESPACE: ' ' }, 'POD_NAMESPACE: must not be empty'],
      [{ ...minimal, HISTORY_MAX_VERSIONS: '0' }, 'HISTORY_MAX_VERSIONS: "0" is not a whole number from 1 to 10000'],
      [{ ...minimal, HISTORY_MAX_VERSIONS: 'all' }, 'HISTORY_MAX_VERSIONS: "all" is not a whole number from 1 to 10000'],
      [{ ...minimal, HISTORY_MAX_AGE: '30d' }, 'HISTORY_MAX_AGE: "30d" is not a duration; use e.g. 24h or 720h (30 days)'],
      [{ ...minimal, HISTORY_MAX_AGE: '10s' }, 'HISTORY_MAX_AGE: must be at least 1m'],
    ])('names the variable and the fix for %j', (env, expected) => {
      expect(problemsOf(env).some((p) => p.startsWith(expected))).toBe(true);
    });

    it('never echoes the Redis URL, which may hold a password', () => {
      const problems = problemsOf({ REDIS_URL: 'http://user:hunter2@redis' });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^REDIS_URL: is not a usable Redis URL/);
      expect(problems.join()).not.toContain('hunter2');
    });

    it('reads the history retention', () => {
      expect(loadConfig({ ...minimal, HISTORY_MAX_VERSIONS: '7', HISTORY_MAX_AGE: '24h' }, defaults).history).toEqual({ maxVersions: 7, maxAgeMs: 86_400_000 });
    });

    it('lists every bad variable at once', () => {
      expect(problemsOf({ RESYNC_INTERVAL: 'x', HTTP_PORT: 'y' }).map((p) => p.split(':')[0])).toEqual(['REDIS_URL', 'RESYNC_INTERVAL', 'HTTP_PORT']);
    });

    it('throws one ConfigError (CONFIG_INVALID) naming every bad variable with its fix', () => {
      let error: unknown;
      try {
        loadConfig({ KEY_PREFIX: 'amko', FEDERATED_KINDS: 'pods', LEASE_DURATION: '10ms', LOG_LEVEL: 'loud', POD_NAME: ' ' }, defaults);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('CONFIG_INVALID');
      const problems = (error as ConfigError).problems;
      expect(problems.map((p) => p.split(':')[0])).toEqual(['REDIS_URL', 'KEY_PREFIX', 'POD_NAME', 'FEDERATED_KINDS', 'LEASE_DURATION', 'LOG_LEVEL']);
      expect(problems.every((p) => /; |must be/.test(p))).toBe(true);
    });
  });

  describe('when scheduled backups are configured', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'amko-fed-config-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads BACKUP_INTERVAL, BACKUP_DIR and BACKUP_KEEP (default 7)', () => {
      expect(loadConfig({ ...minimal, BACKUP_INTERVAL: '6h', BACKUP_DIR: dir }, defaults).backup).toEqual({ intervalMs: 6 * 3_600_000, dir, keep: 7 });
      expect(loadConfig({ ...minimal, BACKUP_INTERVAL: '1m', BACKUP_DIR: dir, BACKUP_KEEP: '2' }, defaults).backup).toEqual({ intervalMs: 60_000, dir, keep: 2 });
    });

    it('leaves backups off without BACKUP_INTERVAL, whatever BACKUP_DIR says', () => {
      expect(loadConfig({ ...minimal, BACKUP_DIR: '/nowhere' }, defaults).backup).toBeUndefined();
    });

    it.each([
      [{ BACKUP_INTERVAL: '30s' }, 'BACKUP_INTERVAL: must be at least 1m'],
      [{ BACKUP_INTERVAL: 'daily' }, 'BACKUP_INTERVAL: "daily" is not a duration'],
      [{ BACKUP_INTERVAL: '1h' }, 'BACKUP_DIR: is required when BACKUP_INTERVAL is set'],
      [{ BACKUP_INTERVAL: '1h', BACKUP_DIR: '/nonexistent/amko-fed-backups' }, 'BACKUP_DIR: /nonexistent/amko-fed-backups does not exist'],
      [{ BACKUP_KEEP: '0' }, 'BACKUP_KEEP: "0" is not a whole number from 1 to 10000'],
    ])('names the variable and the fix for %j', (env, expected) => {
      expect(problemsOf({ ...minimal, ...env }).some((p) => p.startsWith(expected))).toBe(true);
    });

    it('reports a BACKUP_DIR that is a file or not writable', async () => {
      const file = join(dir, 'a-file');
      await writeFile(file, '');
      expect(writableDirectory(file)).toBe(`${file} is not a directory`);
      const readOnly = join(dir, 'read-only');
      await mkdir(readOnly);
      await chmod(readOnly, 0o555);
      // root may write anyway; the check then rightly passes.
      expect(writableDirectory(readOnly)).toBe(process.getuid?.() === 0 ? undefined : `${readOnly} is not writable (EACCES)`);
      expect(writableDirectory(dir)).toBeUndefined();
    });

    it('reports the directory together with the other bad variables', () => {
      expect(problemsOf({ BACKUP_INTERVAL: '1h', HTTP_PORT: 'y' }).map((p) => p.split(':')[0])).toEqual(['REDIS_URL', 'HTTP_PORT', 'BACKUP_DIR']);
    });
  });
});
