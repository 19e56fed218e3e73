/** The launcher process: starts clusters, writes a kubeconfig, closes cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientsFor, eventually } from './support/clients.ts';

const cli = resolve(import.meta.dirname, '../src/cli.ts');
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function run(args: readonly string[]): { output: () => string; exit: Promise<number | null>; kill: (signal: NodeJS.Signals) => void } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { output: () => output, exit: new Promise((r) => child.once('exit', (code) => r(code))), kill: (s) => child.kill(s) };
}

describe('emulator launcher', () => {
  describe('when started with two clusters', () => {
    it('serves both through the written kubeconfig and stops on SIGTERM', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'launcher-'));
      dirs.push(dir);
      const kubeconfig = join(dir, 'kubeconfig.yaml');
      const launcher = run(['up', '--clusters', 'east,west', '--kubeconfig', kubeconfig, '--namespace', 'avi-system', '--namespace', 'team-a']);
      await eventually(() => expect(launcher.output()).toContain('emulator: ready'), 20_000, 50);
      expect(launcher.output()).toMatch(/cluster east: https:\/\/127\.0\.0\.1:\d+/);
      expect(launcher.output()).toContain('loaded 4 CRDs');
      const text = await readFile(kubeconfig, 'utf8');
      expect(text).toContain('certificate-authority-data');
      for (const context of ['east', 'west']) {
        const c = clientsFor({ kubeconfig: () => text, contextName: context });
        const names = (await c.core.listNamespace()).items.map((n) => n.metadata?.name);
        expect(names).toEqual(expect.arrayContaining(['avi-system', 'team-a', 'default']));
        expect((await c.ext.readCustomResourceDefinition({ name: 'gslbconfigs.amko.vmware.com' })).spec.group).toBe('amko.vmware.com');
      }
      launcher.kill('SIGTERM');
      expect(await launcher.exit).toBe(0);
      expect(launcher.output()).toContain('emulator: stopped');
    });
  });

  describe('when the input is wrong', () => {
    it('exits 2 with the reason and the usage', async () => {
      const launcher = run(['up', '--clusters', 'east']);
      expect(await launcher.exit).toBe(2);
      expect(launcher.output()).toContain('--kubeconfig FILE is required');
      expect(launcher.output()).toContain('Usage: npm run emulator');
    });
  });
});
