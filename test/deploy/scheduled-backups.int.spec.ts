/**
 * deploy/overlays/scheduled-backups, the kustomize Component for the watcher's scheduled backups,
 * built with the real kubectl on top of deploy/base and of the bundled-redis overlay: the watcher
 * gets BACKUP_* settings its loadConfig accepts on the mounted volume, a group that can write it,
 * and cluster-wide list on gslbhostrules; and it grants and sets what the chart's watcher.backup does.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, REPO_ROOT } from '@amko-fed/testing';
import { loadConfig as loadWatcherConfig } from '../../apps/watcher/src/config.ts';
import { assertToolsInstalled, find, podSpec, renderChart, type Container as ChartContainer } from './chart/chart-tools.ts';
import { podSpecOf, type Container, type Manifest } from './manifests.ts';

assertToolsInstalled();
const found = await findOnPath('kubectl');
if (!found) throw new Error('kubectl is missing: scripts/ensure-tools.sh installs it');
const kubectl = found;
const COMPONENT = join(REPO_ROOT, 'deploy', 'overlays', 'scheduled-backups');
const BACKUP_MOUNT = '/var/lib/amko-fed/backups';

mkdirSync(join(REPO_ROOT, 'tmp'), { recursive: true });
const workdir = mkdtempSync(join(REPO_ROOT, 'tmp', 'scheduled-backups-'));
// loadConfig checks BACKUP_DIR is a writable directory: a real one stands in for the mounted volume.
const backupDir = mkdtempSync(join(tmpdir(), 'amko-fed-kustomize-backups-'));
afterAll(() => {
  for (const dir of [workdir, backupDir]) rmSync(dir, { recursive: true, force: true });
});

type Rendered = Manifest & { metadata: { name: string; namespace?: string }; rules?: unknown; roleRef?: unknown; subjects?: unknown };

/** Builds an overlay of `resources` plus the Component, as a user's kustomization would. */
function buildWithComponent(name: string, resources: string): Rendered[] {
  const dir = join(workdir, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'kustomization.yaml'), [
    'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization',
    `resources: [${relative(dir, join(REPO_ROOT, 'deploy', resources))}]`,
    `components: [${relative(dir, COMPONENT)}]`, '',
  ].join('\n'));
  const result = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0 || result.stderr !== '') throw new Error(`kubectl kustomize failed (${result.status}): ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((d) => d.toJS() as Rendered);
}

const environmentOf = (container: Container): Record<string, string> => {
  const sample: Record<string, string> = { url: 'redis://:secret@amko-federation-redis:6379', 'metadata.namespace': 'avi-system', 'metadata.name': 'pod-0' };
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? sample[e.valueFrom?.secretKeyRef?.key ?? e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '']));
};
const backupEnv = (env: readonly { name: string; value?: string }[] | undefined) => (env ?? []).filter((e) => e.name.startsWith('BACKUP_'));
const named = (manifests: readonly Rendered[], kind: string, name: string): Rendered => {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`${kind}/${name} is not rendered`);
  return m;
};

describe('deploy/overlays/scheduled-backups', () => {
  describe('when added to deploy/base', () => {
    const manifests = buildWithComponent('base', 'base');
    const watcher = podSpecOf(manifests, 'amko-federation-watcher');
    const container = watcher.containers[0] as Container;

    it('gives the watcher BACKUP_INTERVAL, BACKUP_DIR and BACKUP_KEEP its loadConfig accepts, next to its other settings', () => {
      const env = environmentOf(container);
      expect(env).toMatchObject({ BACKUP_INTERVAL: '6h', BACKUP_DIR: BACKUP_MOUNT, BACKUP_KEEP: '7', POD_NAMESPACE: 'avi-system' });
      const config = loadWatcherConfig({ ...env, BACKUP_DIR: backupDir }, { hostname: 'h', pid: 1, stdoutIsTTY: false });
      expect(config.backup).toEqual({ intervalMs: 6 * 3_600_000, dir: backupDir, keep: 7 });
      expect(config.resyncIntervalMs).toBe(300_000);
    });

    it('mounts the backup PVC at BACKUP_DIR with a pod fsGroup, keeping the members mount and the restricted settings', () => {
      expect(container.volumeMounts).toEqual(expect.arrayContaining([
        { name: 'backups', mountPath: BACKUP_MOUNT },
        { name: 'members', mountPath: '/etc/amko-federation/members', readOnly: true },
      ]));
      expect(watcher.volumes).toContainEqual({ name: 'backups', persistentVolumeClaim: { claimName: 'amko-federation-watcher-backups' } });
      expect(watcher.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 1000 });
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(named(manifests, 'PersistentVolumeClaim', 'amko-federation-watcher-backups')).toMatchObject({
        metadata: { namespace: 'avi-system' }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
      });
    });

    it('grants the watcher ServiceAccount list on gslbhostrules in all namespaces, and nothing more', () => {
      expect(named(manifests, 'ClusterRole', 'amko-federation-watcher-backups').rules).toEqual([{ apiGroups: ['amko.vmware.com'], resources: ['gslbhostrules'], verbs: ['list'] }]);
      expect(named(manifests, 'ClusterRoleBinding', 'amko-federation-watcher-backups')).toMatchObject({
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'amko-federation-watcher-backups' },
        subjects: [{ kind: 'ServiceAccount', name: 'amko-federation', namespace: 'avi-system' }],
      });
    });

    it('leaves the replicator as it is', () => {
      const replicator = podSpecOf(manifests, 'amko-federation-replicator');
      expect(backupEnv(replicator.containers[0]?.env)).toEqual([]);
      expect(replicator.volumes?.map((v) => v.name)).not.toContain('backups');
    });

    it('sets what the chart sets with watcher.backup.enabled and its defaults', () => {
      const chart = renderChart([], ['--set', 'watcher.backup.enabled=true']);
      const chartPod = podSpec(find(chart, 'Deployment', 'amko-federation-watcher'));
      expect(backupEnv(container.env)).toEqual(backupEnv((chartPod.containers[0] as ChartContainer).env));
      expect(watcher.securityContext).toEqual(chartPod.securityContext);
      expect((container.volumeMounts ?? []).find((m) => m.name === 'backups')).toEqual((chartPod.containers[0] as ChartContainer).volumeMounts?.find((m) => m.name === 'backups'));
      expect(named(manifests, 'ClusterRole', 'amko-federation-watcher-backups').rules).toEqual((find(chart, 'ClusterRole', 'amko-federation-watcher-backups') as Rendered).rules);
      const chartClaim = find(chart, 'PersistentVolumeClaim', 'amko-federation-watcher-backups') as unknown as { spec: unknown };
      expect(named(manifests, 'PersistentVolumeClaim', 'amko-federation-watcher-backups').spec).toEqual(chartClaim.spec);
    });
  });

  describe('when added to the bundled-redis overlay', () => {
    const manifests = buildWithComponent('bundled-redis', 'overlays/bundled-redis');

    it('renders the overlay with the backup PVC, RBAC and the watcher settings, all namespaced objects in avi-system', () => {
      const unhashed = (m: Rendered) => (m.kind === 'Secret' || m.kind === 'ConfigMap' ? m.metadata.name.replace(/-[a-z0-9]{10}$/, '') : m.metadata.name);
      expect(manifests.map((m) => `${m.kind}/${unhashed(m)}`).filter((n) => n.includes('backups') || n.includes('redis')).sort()).toEqual([
        'ClusterRole/amko-federation-watcher-backups', 'ClusterRoleBinding/amko-federation-watcher-backups',
        'ConfigMap/amko-federation-redis-config', 'PersistentVolumeClaim/amko-federation-watcher-backups',
        'Secret/amko-federation-redis', 'Service/amko-federation-redis', 'StatefulSet/amko-federation-redis',
      ]);
      const namespaced = manifests.filter((m) => !m.kind.startsWith('Cluster'));
      expect(namespaced.map((m) => m.metadata.namespace)).toEqual(namespaced.map(() => 'avi-system'));
      const env = environmentOf(podSpecOf(manifests, 'amko-federation-watcher').containers[0] as Container);
      expect(loadWatcherConfig({ ...env, BACKUP_DIR: backupDir }, { hostname: 'h', pid: 1, stdoutIsTTY: false }).backup?.keep).toBe(7);
    });
  });
});
