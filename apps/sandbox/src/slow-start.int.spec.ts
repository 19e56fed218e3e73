/**
 * A sandbox whose workloads cannot become ready (REDIS_URL names a port nobody listens on) says
 * what it waits for while it waits, and gives up after `--ready-timeout` with one `error:` line
 * naming the workload and the failing check, removing every process it started.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT } from '@amko-fed/testing';

const workDir = await mkdtemp(join(tmpdir(), 'amko-fed-slow-start-'));
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('the sandbox start', () => {
  describe('when a workload is not ready in time', () => {
    it('prints what it waits for every 10 s and exits 1 naming the workload and the failing check', { timeout: 240_000 }, async () => {
      const deadPort = await freePort();
      const child = spawn(process.execPath, [join(REPO_ROOT, 'apps', 'sandbox', 'src', 'main.ts'), '--work-dir', join(workDir, 'sandbox'), '--quiet', '--ready-timeout', '25s'], {
        cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${deadPort}` },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));

      expect({ code, stderr: stderr.split('\n')[0] }).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: cluster\d\/(watcher|replicator) was not ready at http:\/\/127\.0\.0\.1:\d+\/readyz within 25000 ms \(last: .*redis.*\)/) as unknown });
      expect(stdout).toMatch(/still waiting for cluster\d\/(watcher|replicator) to be ready \(\d+ s of 25 s\): (\/readyz 503: .*redis|no HTTP answer yet)/);
    });
  });
});
