/**
 * deploy/ stays true to the code: the kustomizations build with the real kubectl, every setting the
 * manifests give the workloads is accepted by that workload's loadConfig, and the pods can start on
 * a kubelet that checks runAsNonRoot (numeric image USER) and on OpenShift's restricted-v2 (no fixed
 * UID). test/deploy/production-start.int.spec.ts starts them from the production dependency set.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findOnPath, REPO_ROOT } from '@amko-fed/testing';
import { loadConfig as loadReplicatorConfig } from '../../apps/replicator/src/config.ts';
import { loadConfig as loadWatcherConfig } from '../../apps/watcher/src/config.ts';
import { imageSettings, parseDockerfile } from './dockerfile.ts';
import { podSpecOf, render, type Container, type Manifest } from './manifests.ts';

const found = await findOnPath('kubectl');
if (!found) throw new Error('kubectl is missing: scripts/ensure-tools.sh installs it');
const kubectl = found;
const WORKLOADS = ['amko-federation-watcher', 'amko-federation-replicator'] as const;

/** What the kubelet would put in the environment (Secret and field references get sample values). */
function environmentOf(container: Container): Record<string, string> {
  const sample: Record<string, string> = { url: 'redis://:secret@amko-federation-redis:6379', username: 'admin', 'metadata.namespace': 'avi-system', 'metadata.name': 'pod-0' };
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? sample[e.valueFrom?.secretKeyRef?.key ?? e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '']));
}

const readBoardPassword = (file: string): string => {
  expect(file).toBe('/etc/amko-federation/board/password');
  return 'board-secret\n';
};

describe('deploy/', () => {
  describe('when the bundled-redis overlay is built', () => {
    const manifests = render(kubectl, 'overlays/bundled-redis');
    const container = (deployment: string): Container => podSpecOf(manifests, deployment).containers[0] as Container;

    it('holds both workloads, their RBAC, the replicator\'s disruption budget and the Redis', () => {
      // generated Secret and ConfigMap names carry kustomize's hash suffix (bundled-redis.int.spec)
      const unhashed = (m: Manifest) => (m.kind === 'Secret' || m.kind === 'ConfigMap' ? m.metadata.name.replace(/-[a-z0-9]{10}$/, '') : m.metadata.name);
      expect(manifests.map((m) => `${m.kind}/${unhashed(m)}`).sort()).toEqual([
        'ClusterRole/amko-federation-watcher', 'ClusterRoleBinding/amko-federation-watcher',
        'ConfigMap/amko-federation-redis-config',
        'Deployment/amko-federation-replicator', 'Deployment/amko-federation-watcher',
        'PodDisruptionBudget/amko-federation-replicator',
        'Role/amko-federation-watcher', 'RoleBinding/amko-federation-watcher',
        'Secret/amko-federation-board', 'Secret/amko-federation-redis',
        'Service/amko-federation-redis', 'Service/amko-federation-replicator',
        'ServiceAccount/amko-federation', 'StatefulSet/amko-federation-redis',
      ]);
    });

    it('gives the watcher settings its loadConfig accepts', () => {
      const watcher = container('amko-federation-watcher');
      expect(watcher.args).toEqual(['apps/watcher/src/main.ts']);
      const config = loadWatcherConfig(environmentOf(watcher), { hostname: 'h', pid: 1, stdoutIsTTY: false });
      expect(config).toMatchObject({ resyncIntervalMs: 300_000, memberCheckIntervalMs: 30_000 });
    });

    it('gives the replicator settings its loadConfig accepts, with board credentials from the mounted Secret', () => {
      const replicator = container('amko-federation-replicator');
      expect(replicator.args).toEqual(['apps/replicator/src/main.ts']);
      const config = loadReplicatorConfig(environmentOf(replicator), readBoardPassword);
      expect(config.board.basic?.username).toBe('admin');
      expect(config.board.basic?.password).toMatch(/^board-secret\s*$/);
    });
  });

  describe('when the base is built on its own', () => {
    const manifests = render(kubectl, 'base');
    const deployment = (name: string) => manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === name);

    it('holds both workloads', () => {
      expect(WORKLOADS.map((name) => deployment(name)?.metadata.name)).toEqual([...WORKLOADS]);
    });

    it('runs the pods as non-root without a fixed UID, so the image\'s numeric USER or OpenShift\'s arbitrary one applies', async () => {
      const image = imageSettings(parseDockerfile(await readFile(join(REPO_ROOT, 'deploy', 'Dockerfile'), 'utf8')));
      // runAsNonRoot is verifiable only with a numeric USER (imageSettings refuses a name), and it must not be root
      expect(image.user.uid).toBeGreaterThan(0);
      for (const name of WORKLOADS) {
        const pod = podSpecOf(manifests, name);
        expect(pod.securityContext?.runAsNonRoot, name).toBe(true);
        expect(pod.securityContext?.runAsUser, name).toBeUndefined();
        expect(pod.securityContext?.runAsGroup, name).toBeUndefined();
        for (const c of pod.containers) {
          expect(c.securityContext, `${name}/${c.name}`).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        }
        // nothing writable is mounted: the processes write no file (production-start runs them from an unwritable /app)
        expect(pod.volumes?.filter((v) => v.secret === undefined) ?? [], name).toEqual([]);
      }
    });

    it('keeps the board read-only unless write access is opted into', () => {
      const replicator = podSpecOf(manifests, 'amko-federation-replicator').containers[0] as Container;
      expect(replicator.env?.find((e) => e.name === 'BOARD_READ_ONLY')).toEqual({ name: 'BOARD_READ_ONLY', value: 'true' });
      expect(loadReplicatorConfig(environmentOf(replicator), readBoardPassword).boardReadOnly).toBe(true);
    });

    it('runs two replicators on different nodes, one always available during disruptions', () => {
      const replicator = deployment('amko-federation-replicator');
      expect(replicator?.spec?.replicas).toBe(2);
      const labels = replicator?.spec?.template?.metadata?.labels ?? {};
      expect(replicator?.spec?.template?.spec?.topologySpreadConstraints).toEqual([
        expect.objectContaining({ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } }),
      ]);
      const pdb = manifests.find((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === 'amko-federation-replicator');
      expect(pdb?.spec?.minAvailable).toBe(1);
      const selector = pdb?.spec?.selector?.matchLabels ?? {};
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      expect(labels).toMatchObject(selector);
    });
  });

  it('grants members exactly what the replicator and the watcher use there', async () => {
    const docs = parseAllDocuments(await readFile(join(REPO_ROOT, 'deploy', 'member-rbac', 'member-rbac.yaml'), 'utf8')).map((d) => d.toJS() as Manifest & { rules?: { resources: string[]; verbs: string[] }[] });
    const role = docs.find((d) => d.kind === 'Role');
    expect(role?.rules).toEqual([
      { apiGroups: ['amko.vmware.com'], resources: ['amkoclusters'], verbs: ['get', 'list'] },
      { apiGroups: ['amko.vmware.com'], resources: ['gslbconfigs', 'globaldeploymentpolicies', 'gslbhostrules'], verbs: ['get', 'list', 'create', 'update', 'delete'] },
      // The fencing token (ADR 0017): created once, then read and changed by compare-and-set, by name only.
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['amko-federation-fence'], verbs: ['get', 'update'] },
    ]);
  });
});
