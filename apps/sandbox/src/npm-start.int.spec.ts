/**
 * The sandbox as a new user runs it: `npm start`, wait for ready, `kubectl edit` on the leader,
 * see the change on both followers, `amko-fed status` says everything is in sync, then Ctrl-C
 * (SIGINT to the whole process group, as a terminal sends it, which npm also forwards) drains every
 * workload once (their logs end with "Stopped", never "Second signal") and leaves no process or
 * port behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, REPO_ROOT } from '@amko-fed/testing';

const kubectl = await findOnPath('kubectl');
if (!kubectl) throw new Error('kubectl is missing from PATH: scripts/ensure-tools.sh (run by npm test) installs it');
const workDir = await mkdtemp(join(tmpdir(), 'amko-fed-npm-start-'));
let child: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  if (child?.pid !== undefined && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  await rm(workDir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; sandbox output so far:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function kubectlRun(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(kubectl ?? 'kubectl', ['--kubeconfig', join(workDir, 'sandbox', 'kubeconfig'), '--cache-dir', join(workDir, 'kube-cache'), ...args], {
    encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: workDir, ...env }, timeout: 30_000,
  });
  return result;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (the sandbox)', () => {
  it('federates a kubectl edit to both followers, reports it in sync, and drains every workload once on Ctrl-C', { timeout: 420_000 }, async () => {
    child = spawn('npm', ['start', '--', '--work-dir', join(workDir, 'sandbox'), '--quiet'], {
      cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REDIS_URL: '' },
    });
    child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const pgid = child.pid as number;

    await until('the sandbox to be ready', () => (/sandbox ready in [\d.]+ s/.test(output) ? true : undefined), 200_000);
    const boardPort = Number(/board\s+: http:\/\/127\.0\.0\.1:(\d+)\/board/.exec(output)?.[1]);
    const redisPort = Number(/Redis\s+: redis:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
    const kubeconfig = parse(await readFile(join(workDir, 'sandbox', 'kubeconfig'), 'utf8')) as { clusters: { cluster: { server: string } }[] };
    const apiPorts = kubeconfig.clusters.map((c) => Number(new URL(c.cluster.server).port));
    expect(apiPorts).toHaveLength(3);

    // the sample objects reach the followers
    await until('global-gdp on cluster3', () => (kubectlRun(['--context', 'cluster3', '-n', 'avi-system', 'get', 'gdp', 'global-gdp']).status === 0 ? true : undefined));

    const editor = join(workDir, 'editor.sh');
    await writeFile(editor, '#!/bin/sh\nsed -i "s/ttl: 30/ttl: 45/" "$1"\n');
    await chmod(editor, 0o755);
    const edit = kubectlRun(['--context', 'cluster1', '-n', 'avi-system', 'edit', 'gdp', 'global-gdp'], { KUBE_EDITOR: editor });
    expect(edit.stderr).toBe('');
    expect(edit.stdout).toContain('globaldeploymentpolicy.amko.vmware.com/global-gdp edited');

    for (const follower of ['cluster2', 'cluster3']) {
      await until(`ttl 45 on ${follower}`, () => {
        const got = kubectlRun(['--context', follower, '-n', 'avi-system', 'get', 'gdp', 'global-gdp', '-o', 'jsonpath={.spec.ttl}']);
        return got.stdout === '45' ? true : undefined;
      });
    }

    const env = Object.fromEntries((await readFile(join(workDir, 'sandbox', 'env'), 'utf8')).split('\n').filter((l) => l.startsWith('export ')).map((l) => {
      const [key, ...rest] = l.slice('export '.length).split('=');
      return [key, rest.join('=').replace(/^'|'$/g, '')];
    })) as Record<string, string>;
    const status = await until('amko-fed status to report everything in sync', () => {
      const run = spawnSync(process.execPath, [join(REPO_ROOT, 'apps', 'cli', 'src', 'cli.ts'), '--context', 'cluster1', 'status'], {
        encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: workDir, ...env },
      });
      return run.stdout.includes('All followers are in sync.') ? run.stdout : undefined;
    });
    expect(status).toMatch(/cluster2\s+valid\s+GlobalDeploymentPolicy\/avi-system\/global-gdp\s+in sync/);
    expect(status).toMatch(/cluster3\s+valid\s+GSLBConfig\/avi-system\/gc-1\s+in sync/);
    expect(status).toContain('GDP Federation: federated to all valid clusters successfully');

    // Ctrl-C: the terminal signals the whole foreground process group (npm and the sandbox)
    process.kill(-pgid, 'SIGINT');
    await until('every sandbox process to exit', () => (groupAlive(pgid) ? undefined : true), 90_000);
    expect(output).toContain('Stopping the sandbox…');
    expect(output).toContain('Sandbox stopped.');
    expect(output).not.toContain('again: exiting now');
    const logDir = join(workDir, 'sandbox', 'logs');
    const logFiles = (await readdir(logDir)).filter((f) => f.endsWith('.log')).sort();
    expect(logFiles).toEqual(['cluster1-replicator.log', 'cluster1-watcher.log', 'cluster2-replicator.log', 'cluster2-watcher.log', 'cluster3-replicator.log', 'cluster3-watcher.log']);
    for (const file of logFiles) {
      const raw = (await readFile(join(logDir, file), 'utf8')).split('\n');
      const lines = raw.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; name: string; version?: string });
      const messages = lines.map((l) => l.msg);
      // one logger name convention (amko-fed-<workload>) and the version logged at start
      const app = file.endsWith('-watcher.log') ? 'watcher' : 'replicator';
      expect(new Set(lines.map((l) => l.name))).toEqual(new Set([`amko-fed-${app}`]));
      expect(lines[0]).toMatchObject({ msg: `Starting the ${app}`, version: '0.1.0' });
      const shutdown = messages.slice(messages.indexOf('Shutting down'));
      // The raw tail (stderr too) is in the message when it fails.
      expect(
        shutdown.filter((m) => ['Shutting down', 'Stopped', 'Second signal, exiting now', 'Shutdown took too long, exiting', 'Shutdown failed'].includes(m)),
        `${file}, last lines:\n${raw.slice(-8).join('\n')}`,
      ).toEqual(['Shutting down', 'Stopped']);
    }
    for (const port of [boardPort, redisPort, ...apiPorts]) expect(await portOpen(port)).toBe(false);
  });
});
