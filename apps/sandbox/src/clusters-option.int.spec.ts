/**
 * `npm start -- --clusters NAMES` with the context names users have (issue #11, part 1): the leader
 * is `oc login`'s `…:6443/kube:admin`, the followers an EKS ARN, a name with spaces and braces, and
 * a 250-character one. The sample objects reach every follower, `amko-fed status` reports them in
 * sync by name, and a bad list is refused with what to change.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@amko-fed/testing';

const LEADER = 'avi-system/api-ocp2-example-com:6443/kube:admin';
const FOLLOWERS = ['arn:aws:eks:us-east-1:123456789012:cluster/site3', 'site four {DR}', `long-${'x'.repeat(245)}`];
const MAIN = join(REPO_ROOT, 'apps', 'sandbox', 'src', 'main.ts');
const CLI = join(REPO_ROOT, 'apps', 'cli', 'src', 'cli.ts');

const workDir = await mkdtemp(join(tmpdir(), 'amko-fed-sandbox-clusters-'));
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null) {
    child.kill('SIGINT');
    await new Promise((resolve) => child?.once('exit', resolve));
  }
  await rm(workDir, { recursive: true, force: true });
});

function run(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const proc = spawn(process.execPath, [command, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: workDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, out })));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, context: () => string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${context().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('npm start -- --clusters', () => {
  describe('when the list is bad', () => {
    it.each([
      ['only a leader', 'clusterA', '--clusters needs a leader and at least one follower, got only "clusterA"'],
      ['an empty name', 'a,,b', '--clusters "a,,b" has an empty name'],
      ['a name twice', 'a,b,a', '--clusters names "a" twice'],
    ])('exits 2 for %s, saying what to change', async (_label, list, message) => {
      const result = await run(MAIN, ['--clusters', list, '--work-dir', join(workDir, 'unused')]);
      expect(result.code).toBe(2);
      expect(result.out).toContain(`error: ${message}`);
      expect(result.out).toContain('usage: npm start -- [--clusters LEADER,FOLLOWER,...]');
    });
  });

  describe('when the contexts are named as oc login, EKS and people name them', () => {
    it('federates the sample objects to every follower and amko-fed reports them in sync by name', { timeout: 240_000 }, async () => {
      const sandboxDir = join(workDir, 'sandbox');
      let output = '';
      child = spawn(process.execPath, [MAIN, '--clusters', [LEADER, ...FOLLOWERS].join(','), '--work-dir', sandboxDir, '--quiet'], {
        cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDIS_URL: '' },
      });
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

      await until('the sandbox to be ready', async () => (/sandbox ready in/.test(output) ? true : undefined), () => output);
      expect(output).toContain(`Starting the amko-federation sandbox: 4 emulated clusters`);
      expect(output).toContain(`(contexts ${LEADER} = leader, ${FOLLOWERS.join(', ')})`);
      expect(output).toContain(`--context ${LEADER} -n avi-system edit gdp global-gdp`);
      expect(output).toContain(`--context ${FOLLOWERS[0]} -n avi-system get gdp global-gdp`);

      const kubeconfig = parse(await readFile(join(sandboxDir, 'kubeconfig'), 'utf8')) as { contexts: { name: string }[]; 'current-context': string };
      expect(kubeconfig.contexts.map((c) => c.name)).toEqual([LEADER, ...FOLLOWERS]);
      expect(kubeconfig['current-context']).toBe(LEADER);
      expect((await readdir(join(sandboxDir, 'logs'))).sort()).toEqual(
        ['site1', 'site2', 'site3', 'site4'].flatMap((s) => [`${s}-replicator.log`, `${s}-watcher.log`]),
      );

      const env = Object.fromEntries((await readFile(join(sandboxDir, 'env'), 'utf8')).split('\n').filter((l) => l.startsWith('export ')).map((l) => {
        const [key, ...rest] = l.slice('export '.length).split('=');
        return [key, rest.join('=').replace(/^'|'$/g, '')];
      })) as Record<string, string>;
      const status = await until('amko-fed status to report every follower in sync', async () => {
        const result = await run(CLI, ['--context', LEADER, 'status', '--json'], env);
        if (result.code !== 0) return undefined;
        const view = JSON.parse(result.out) as { leader: string; inSync: boolean; followers: { cluster: string; objects: unknown[] }[] };
        return view.inSync && view.followers.every((f) => f.objects.length === 2) ? view : undefined;
      }, () => output);
      expect(status.leader).toBe(LEADER);
      expect(status.followers.map((f) => f.cluster).sort()).toEqual([...FOLLOWERS].sort());

      for (const follower of FOLLOWERS) {
        const out = join(workDir, `backup-${FOLLOWERS.indexOf(follower)}`);
        const backup = await run(CLI, ['--context', follower, 'backup', '--out', out], env);
        expect(backup.out).toContain(`Backed up 2 object(s) from ${follower}.`);
      }

      child.kill('SIGINT');
      const code = await new Promise((resolve) => child?.once('exit', resolve));
      expect(code).toBe(0);
      expect(output).toContain('Sandbox stopped.');
    });
  });
});
