/**
 * The disaster rehearsal as a script in CI (issue #14): `npm start`, then from "a second terminal"
 * `npm run sandbox -- fail/recover/partition/heal/status`, `amko-fed status` exit codes along the
 * way (0 in sync, 4 while a member is down or cut off), and both drills (`npm run drill -- …`) to a
 * passing verdict; Ctrl-C at the end.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, REPO_ROOT } from '@amko-fed/testing';

const kubectl = await findOnPath('kubectl');
if (!kubectl) throw new Error('kubectl is missing from PATH: scripts/ensure-tools.sh (run by npm test) installs it');
const workDir = await mkdtemp(join(tmpdir(), 'amko-fed-rehearsal-'));
const sandboxDir = join(workDir, 'sandbox');
let child: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  if (child?.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGINT');
    } catch {
      // already gone
    }
    await new Promise((resolve) => (child?.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  }
  await rm(workDir, { recursive: true, force: true });
});

interface Ran { readonly code: number; readonly out: string }

function runNpm(script: 'sandbox' | 'drill', args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '--silent', script, '--', ...args, '--work-dir', sandboxDir], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 600_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: unknown }).code ?? 1), out: `${stdout}${stderr}` });
    });
  });
}

async function amkoFed(args: string[]): Promise<Ran> {
  const env = Object.fromEntries((await readFile(join(sandboxDir, 'env'), 'utf8')).split('\n').filter((l) => l.startsWith('export ')).map((l) => {
    const [key, ...rest] = l.slice('export '.length).split('=');
    return [key, rest.join('=').replace(/^'|'$/g, '')];
  })) as Record<string, string>;
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'apps', 'cli', 'src', 'cli.ts'), ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: workDir, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: unknown }).code ?? 1), out: `${stdout}${stderr}` });
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await probe().catch((err: unknown) => void (last = err));
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${String(last ?? '')}); sandbox output:\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const statusCode = (code: number, also: (out: string) => boolean = () => true) => async () => {
  const ran = await amkoFed(['--context', 'cluster1', 'status']);
  return ran.code === code && also(ran.out) ? ran : undefined;
};

describe('the disaster rehearsal (npm start, npm run sandbox, npm run drill)', () => {
  it('fails and recovers a site, partitions and heals two, and passes both drills', { timeout: 1_200_000 }, async () => {
    child = spawn('npm', ['start', '--', '--work-dir', sandboxDir, '--quiet'], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDIS_URL: '' } });
    child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    await until('the sandbox to be ready', async () => (/sandbox ready in [\d.]+ s/.test(output) ? true : undefined), 240_000);
    expect(output).toContain('npm run sandbox -- fail cluster1');

    const inSync = await amkoFed(['--context', 'cluster1', 'status', '--wait', '--timeout', '3m']);
    expect(inSync.code).toBe(0);

    // a site fails: the leader reports the member, status exits 4
    const failed = await runNpm('sandbox', ['fail', 'cluster3']);
    expect(failed.code).toBe(0);
    expect(failed.out).toContain('cluster3 failed');
    expect(failed.out).toMatch(/cluster3\s+down\s+stopped\s+stopped\s+-/);
    const down = await until('status exit 4 with cluster3 down', statusCode(4, (out) => /cluster3\s+invalid/.test(out)));
    expect(down.out).toContain('Not in sync: failed (exit 4)');

    const recovered = await runNpm('sandbox', ['recover', 'cluster3']);
    expect(recovered.code).toBe(0);
    expect(recovered.out).toMatch(/cluster3\s+up\s+running\s+running\s+-/);
    expect((await amkoFed(['--context', 'cluster1', 'status', '--wait', '--timeout', '3m'])).code).toBe(0);

    // cluster1 and cluster3 cannot reach each other; cluster2 stays valid
    const cut = await runNpm('sandbox', ['partition', 'cluster1', 'cluster3']);
    expect(cut.code).toBe(0);
    expect(cut.out).toMatch(/cluster1\s+up\s+running\s+running\s+cluster3/);
    const partitioned = await until('status exit 4 with cluster3 cut off', statusCode(4, (out) => /cluster3\s+invalid/.test(out)));
    expect(partitioned.out).toMatch(/cluster2\s+valid/);
    const healed = await runNpm('sandbox', ['heal']);
    expect(healed.code).toBe(0);
    expect(healed.out).toContain('every partition healed');
    expect((await amkoFed(['--context', 'cluster1', 'status', '--wait', '--timeout', '3m'])).code).toBe(0);

    expect((await runNpm('sandbox', ['fail', 'nowhere'])).code).toBe(1);
    expect((await runNpm('sandbox', ['explode'])).code).toBe(2);

    // the runbooks
    const siteFailure = await runNpm('drill', ['leader-site-failure']);
    expect(siteFailure.out).toMatch(/\nVerdict: PASSED: leader-site-failure/); // shows the whole drill when it fails
    expect(siteFailure.code).toBe(0);
    expect(siteFailure.out).toContain('$ kubectl --context cluster2 -n avi-system patch amkocluster amkocluster-federation --type merge -p');
    expect(siteFailure.out).toContain('$ npm run sandbox -- fail cluster1');

    const recoverInstance = await runNpm('drill', ['recover-failed-instance']);
    expect(recoverInstance.out).toMatch(/\nVerdict: PASSED: recover-failed-instance/);
    expect(recoverInstance.code).toBe(0);
    expect(recoverInstance.out).toContain('Drill recover-failed-instance: leader cluster2');
    expect(recoverInstance.out).toMatch(/\$ amko-fed --context cluster1 restore --from \S+ --drop-members cluster2/);
  });
});
