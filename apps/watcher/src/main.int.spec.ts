import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, stdout }));
  });
}

describe('watcher main', () => {
  describe('when the configuration is bad', () => {
    it('exits with code 2, naming each variable and its fix, without a stack trace or the secret values', async () => {
      const { code, stderr, stdout } = await run({ REDIS_URL: 'http://user:hunter2@redis', RESYNC_INTERVAL: 'soon', FEDERATED_KINDS: 'gc,nope' });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('amko-fed watcher: invalid configuration:');
      expect(stderr).toContain('REDIS_URL: is not a usable Redis URL');
      expect(stderr).toContain('RESYNC_INTERVAL: "soon" is not a duration; use e.g. 500ms, 30s or 5m');
      expect(stderr).toContain('FEDERATED_KINDS: "nope" is not a federated kind');
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stderr).not.toContain('hunter2');
    });

    it('exits with code 2 when BACKUP_DIR is missing for BACKUP_INTERVAL or not a writable directory', async () => {
      const missing = await run({ REDIS_URL: 'redis://127.0.0.1:1', BACKUP_INTERVAL: '1h' });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('BACKUP_DIR: is required when BACKUP_INTERVAL is set');
      const absent = await run({ REDIS_URL: 'redis://127.0.0.1:1', BACKUP_INTERVAL: '1h', BACKUP_DIR: '/nonexistent/amko-fed-backups' });
      expect(absent.code).toBe(2);
      expect(absent.stderr).toContain('BACKUP_DIR: /nonexistent/amko-fed-backups does not exist; mount a writable volume there');
    });
  });
});
