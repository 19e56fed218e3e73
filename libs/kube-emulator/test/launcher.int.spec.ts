/** The launcher process: starts clusters, writes a kubeconfig, closes cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientsFor, eventually } from './support/clients.ts';
import { kubectlFor } from './support/kubectl.ts';

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

  describe('when the cluster names are context names as oc login, EKS and people write them', () => {
    it('serves each under its name through the kubeconfig, for client-node and kubectl', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'launcher-'));
      dirs.push(dir);
      const kubeconfig = join(dir, 'kubeconfig.yaml');
      const names = ['avi-system/api-ocp2-example-com:6443/kube:admin', 'arn:aws:eks:us-east-1:123456789012:cluster/site3', 'site four {DR}', `long-${'x'.repeat(245)}`];
      const launcher = run(['up', '--clusters', names.join(','), '--kubeconfig', kubeconfig]);
      try {
        await eventually(() => expect(launcher.output()).toContain('emulator: ready'), 20_000, 50);
        for (const name of names) expect(launcher.output()).toContain(`cluster ${name}: https://127.0.0.1:`);
        const text = await readFile(kubeconfig, 'utf8');
        for (const context of names) {
          const c = clientsFor({ kubeconfig: () => text, contextName: context });
          expect((await c.core.listNamespace()).items.map((n) => n.metadata?.name)).toContain('avi-system');
          const k = await kubectlFor(text, context, process.env);
          try {
            const result = await k.run(['get', 'namespace', 'avi-system', '-o', 'name']);
            expect(result.stderr).toBe('');
            expect(result.stdout.trim()).toBe('namespace/avi-system');
          } finally {
            await k.dispose();
          }
        }
      } finally {
        launcher.kill('SIGTERM');
      }
      expect(await launcher.exit).toBe(0);
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
