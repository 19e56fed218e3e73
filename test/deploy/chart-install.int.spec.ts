/**
 * The chart installed and upgraded by the real Helm against an emulated API server (which stores
 * the chart's kinds as given; nothing runs them): the release installs into avi-system, the
 * generated board and Redis passwords are created once and kept by an upgrade (`lookup`), and an
 * uninstall keeps them (helm.sh/resource-policy: keep).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatedCluster, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { REPO_ROOT } from '@amko-fed/testing';
import { assertToolsInstalled, CHART_DIR, helmAsync } from './chart/chart-tools.ts';

assertToolsInstalled();

let cluster: EmulatedCluster;
let env: NodeJS.ProcessEnv = {};
let dir = '';

beforeAll(async () => {
  cluster = await startEmulatedCluster({ name: 'avi-site' });
  dir = await mkdtemp(join(REPO_ROOT, 'tmp', 'helm-install-'));
  await writeFile(join(dir, 'kubeconfig'), cluster.kubeconfig({ currentContext: 'avi-site' }), { mode: 0o600 });
  env = { KUBECONFIG: join(dir, 'kubeconfig') };
});

afterAll(async () => {
  await cluster?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const secretData = (name: string): Record<string, string> =>
  (cluster.store.get('/secrets', 'avi-system', name)?.['data'] ?? {}) as Record<string, string>;

describe('helm install of the chart', () => {
  describe('when installed and then upgraded with a changed setting', () => {
    let installed: Record<string, Record<string, string>> = {};

    beforeAll(async () => {
      const install = await helmAsync(['install', 'amko-federation', CHART_DIR, '--namespace', 'avi-system'], env);
      expect(install.status, install.stderr).toBe(0);
      installed = { board: secretData('amko-federation-board'), redis: secretData('amko-federation-redis') };
    });

    it('creates the workloads and their RBAC in avi-system', () => {
      for (const [resource, name] of [['apps/deployments', 'amko-federation-watcher'], ['apps/deployments', 'amko-federation-replicator'], ['apps/statefulsets', 'amko-federation-redis'], ['rbac.authorization.k8s.io/roles', 'amko-federation-watcher'], ['/serviceaccounts', 'amko-federation']] as const) {
        expect(cluster.store.get(resource, 'avi-system', name)?.metadata.name, `${resource} ${name}`).toBe(name);
      }
      expect(cluster.store.get('rbac.authorization.k8s.io/clusterroles', '', 'amko-federation-watcher')).toBeDefined();
    });

    it('generates the board and Redis passwords once and keeps them on upgrade', async () => {
      expect(installed.board?.['password']).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
      const upgrade = await helmAsync(['upgrade', 'amko-federation', CHART_DIR, '--namespace', 'avi-system', '--set', 'watcher.resyncInterval=2m'], env);
      expect(upgrade.status, upgrade.stderr).toBe(0);
      expect(secretData('amko-federation-board')).toEqual(installed.board);
      expect(secretData('amko-federation-redis')).toEqual(installed.redis);
      const watcher = cluster.store.get('apps/deployments', 'avi-system', 'amko-federation-watcher') as unknown as { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } };
      expect(watcher.spec.template.spec.containers[0]?.env.find((e) => e.name === 'RESYNC_INTERVAL')?.value).toBe('2m');
    });

    it('keeps the generated Secrets on uninstall', async () => {
      const uninstall = await helmAsync(['uninstall', 'amko-federation', '--namespace', 'avi-system'], env);
      expect(uninstall.status, uninstall.stderr).toBe(0);
      expect(cluster.store.get('apps/deployments', 'avi-system', 'amko-federation-watcher')).toBeUndefined();
      expect(secretData('amko-federation-board')).toEqual(installed.board);
    });
  });
});
