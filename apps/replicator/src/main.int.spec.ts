import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function run(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('replicator main', () => {
  describe('when the configuration is bad', () => {
    it('exits with code 2 naming the bad variables and their fixes, without echoing secrets', async () => {
      const { code, stderr } = await run({ REDIS_URL: 'http://:hunter2@redis', GSLB_CONFIG_FILE: '/x', RETRY_BASE: 'soon' });
      expect(code).toBe(2);
      expect(stderr).toContain('REDIS_URL: "[redacted]" is not a usable Redis URL');
      expect(stderr).toContain('RETRY_BASE: "soon" is not a duration; use e.g. 500ms or 1s');
      expect(stderr).not.toContain('hunter2');
    });
  });
});
