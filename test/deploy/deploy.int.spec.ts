/**
 * deploy/ stays true to the code: the kustomizations build with the real kubectl, and every
 * setting the manifests give the workloads is accepted by that workload's loadConfig.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findOnPath, REPO_ROOT } from '@amko-fed/testing';
import { loadConfig as loadReplicatorConfig } from '../../apps/replicator/src/config.ts';
import { loadConfig as loadWatcherConfig } from '../../apps/watcher/src/config.ts';

const kubectl = await findOnPath('kubectl');

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }
interface Container { name: string; args?: string[]; env?: EnvVar[]; resources?: { limits?: { memory?: string } } }
interface Manifest { kind: string; metadata: { name: string }; spec?: { template?: { spec?: { containers?: Container[] } } } }

function build(overlay: string): Manifest[] {
  const result = spawnSync(kubectl ?? 'kubectl', ['kustomize', join(REPO_ROOT, 'deploy', overlay)], { encoding: 'utf8', timeout: 60_000 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return parseAllDocuments(result.stdout).map((d) => d.toJS() as Manifest);
}

/** What the kubelet would put in the environment (Secret and field references get sample values). */
function environmentOf(container: Container): Record<string, string> {
  const sample: Record<string, string> = { url: 'redis://:secret@amko-federation-redis:6379', username: 'admin', 'metadata.namespace': 'avi-system', 'metadata.name': 'pod-0' };
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? sample[e.valueFrom?.secretKeyRef?.key ?? e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '']));
}

describe('deploy/', () => {
  describe.skipIf(!kubectl)('when the bundled-redis overlay is built', () => {
    const manifests = kubectl ? build('overlays/bundled-redis') : [];
    const container = (deployment: string) => manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === deployment)?.spec?.template?.spec?.containers?.[0];

    it('holds both workloads, their RBAC and the Redis', () => {
      // generated Secret and ConfigMap names carry kustomize's hash suffix (bundled-redis.int.spec)
      const unhashed = (m: Manifest) => (m.kind === 'Secret' || m.kind === 'ConfigMap' ? m.metadata.name.replace(/-[a-z0-9]{10}$/, '') : m.metadata.name);
      expect(manifests.map((m) => `${m.kind}/${unhashed(m)}`).sort()).toEqual([
        'ConfigMap/amko-federation-redis-config',
        'ClusterRole/amko-federation-watcher', 'ClusterRoleBinding/amko-federation-watcher',
        'Deployment/amko-federation-replicator', 'Deployment/amko-federation-watcher',
        'Role/amko-federation-watcher', 'RoleBinding/amko-federation-watcher',
        'Secret/amko-federation-board', 'Secret/amko-federation-redis',
        'Service/amko-federation-redis', 'Service/amko-federation-replicator',
        'ServiceAccount/amko-federation', 'StatefulSet/amko-federation-redis',
      ]);
    });

    it('gives the watcher settings its loadConfig accepts', () => {
      const watcher = container('amko-federation-watcher');
      expect(watcher?.args).toEqual(['apps/watcher/src/main.ts']);
      const config = loadWatcherConfig(environmentOf(watcher as Container), { hostname: 'h', pid: 1, stdoutIsTTY: false });
      expect(config).toMatchObject({ resyncIntervalMs: 300_000, memberCheckIntervalMs: 30_000 });
    });

    it('gives the replicator settings its loadConfig accepts, with board credentials from the mounted Secret', () => {
      const replicator = container('amko-federation-replicator');
      expect(replicator?.args).toEqual(['apps/replicator/src/main.ts']);
      const read = (file: string): string => {
        expect(file).toBe('/etc/amko-federation/board/password');
        return 'board-secret\n';
      };
      const config = loadReplicatorConfig(environmentOf(replicator as Container), read);
      expect(config.board.basic?.username).toBe('admin');
      expect(config.board.basic?.password).toMatch(/^board-secret\s*$/);
    });
  });

  it.skipIf(!kubectl)('builds the base on its own', () => {
    const result = spawnSync(kubectl ?? 'kubectl', ['kustomize', join(REPO_ROOT, 'deploy', 'base')], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('name: amko-federation-watcher');
  });

  it('grants members exactly what the replicator and the watcher use there', async () => {
    const { readFile } = await import('node:fs/promises');
    const docs = parseAllDocuments(await readFile(join(REPO_ROOT, 'deploy', 'member-rbac', 'member-rbac.yaml'), 'utf8')).map((d) => d.toJS() as Manifest & { rules?: { resources: string[]; verbs: string[] }[] });
    const role = docs.find((d) => d.kind === 'Role');
    expect(role?.rules).toEqual([
      { apiGroups: ['amko.vmware.com'], resources: ['amkoclusters'], verbs: ['get', 'list'] },
      { apiGroups: ['amko.vmware.com'], resources: ['gslbconfigs', 'globaldeploymentpolicies', 'gslbhostrules'], verbs: ['get', 'list', 'create', 'update', 'delete'] },
    ]);
  });
});
