/**
 * deploy/charts/amko-federation with the real Helm (v4.1.4, scripts/ensure-helm.sh): lint and
 * template over the default values and every ci/ values file, every rendered object valid against
 * the Kubernetes OpenAPI schemas, every workload setting accepted by the workload's own loadConfig,
 * wrong values refused with the field named, and the default render equal to the kustomize overlay
 * in what the workloads run with (one source of truth: a change on one side fails here).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig as loadReplicatorConfig } from '../../apps/replicator/src/config.ts';
import { loadConfig as loadWatcherConfig } from '../../apps/watcher/src/config.ts';
import {
  assertToolsInstalled, CHART_DIR, environmentOf, find, helm, HELM3, parseManifests, podSpec, renderChart,
  type Container, type Manifest,
} from './chart/chart-tools.ts';
import { schemaErrors } from './chart/validate-k8s.ts';

assertToolsInstalled();

const CI_FILES = readdirSync(join(CHART_DIR, 'ci')).filter((f) => f.endsWith('.yaml')).sort();
const VALUE_SETS: readonly { name: string; files: string[] }[] = [
  { name: 'the default values', files: [] },
  ...CI_FILES.map((f) => ({ name: `ci/${f}`, files: [join(CHART_DIR, 'ci', f)] })),
];
const SECRETS = { 'amko-federation-board/username': 'admin', 'corp-board/username': 'admin' };
const readSecretFile = (file: string): string => {
  if (file !== '/etc/amko-federation/board/password') throw new Error(`unexpected file ${file}`);
  return 'board-secret\n';
};
const container = (manifests: readonly Manifest[], deployment: string): Container => podSpec(find(manifests, 'Deployment', deployment)).containers[0] as Container;
const BACKUP_MOUNT = '/var/lib/amko-fed/backups';
// loadConfig checks BACKUP_DIR is a writable directory: a real one stands in for the mounted volume.
const backupDir = mkdtempSync(join(tmpdir(), 'amko-fed-chart-backups-'));
afterAll(() => rmSync(backupDir, { recursive: true, force: true }));
/** The watcher environment with BACKUP_DIR, when set, at the local stand-in for the volume the chart mounts there. */
const withLocalBackupDir = (env: Record<string, string>, watcher: Container): Record<string, string> => {
  if (env.BACKUP_DIR === undefined) return env;
  expect(env.BACKUP_DIR).toBe(BACKUP_MOUNT);
  expect(watcher.volumeMounts).toContainEqual({ name: 'backups', mountPath: BACKUP_MOUNT });
  return { ...env, BACKUP_DIR: backupDir };
};

describe('deploy/charts/amko-federation', () => {
  describe.each(VALUE_SETS)('when rendered with $name', ({ files }) => {
    it('passes helm lint --strict', () => {
      const result = helm(['lint', '--strict', CHART_DIR, '--namespace', 'avi-system', ...files.flatMap((f) => ['-f', f])]);
      expect(result.stdout + result.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(result.status).toBe(0);
    });

    it('renders only objects valid against the Kubernetes OpenAPI schemas, all in avi-system', async () => {
      const manifests = renderChart(files);
      expect(manifests.length).toBeGreaterThan(10);
      const errors = (await Promise.all(manifests.map(schemaErrors))).filter((e) => e !== '');
      expect(errors).toEqual([]);
      const namespaced = manifests.filter((m) => !['ClusterRole', 'ClusterRoleBinding'].includes(m.kind));
      expect(namespaced.map((m) => m.metadata.namespace)).toEqual(namespaced.map(() => 'avi-system'));
    });

    it('gives the watcher and the replicator settings their loadConfig accepts', () => {
      const manifests = renderChart(files);
      const watcherEnv = withLocalBackupDir(environmentOf(container(manifests, 'amko-federation-watcher'), SECRETS), container(manifests, 'amko-federation-watcher'));
      const replicatorEnv = environmentOf(container(manifests, 'amko-federation-replicator'), SECRETS);
      for (const env of [watcherEnv, replicatorEnv]) if (env.REDIS_URL?.startsWith('sample')) env.REDIS_URL = 'redis://:pw@redis:6379';
      const watcher = loadWatcherConfig(watcherEnv, { hostname: 'h', pid: 1, stdoutIsTTY: false });
      const replicator = loadReplicatorConfig(replicatorEnv, readSecretFile);
      expect(watcher.resyncIntervalMs).toBeGreaterThan(0);
      expect(replicator.board.basic?.password).toMatch(/^board-secret\s*$/);
      expect(replicator.board.basic?.username).toBe('admin');
    });
  });

  describe('when rendered with the Sentinel values', () => {
    it('assembles a redis-sentinel URL from the password Secret that both workloads accept', () => {
      const manifests = renderChart([join(CHART_DIR, 'ci', 'sentinel-values.yaml')]);
      const env = environmentOf(container(manifests, 'amko-federation-watcher'), { 'redis-auth/password': 'pw1', 'redis-auth/sentinel-password': 'pw2' });
      expect(env.REDIS_URL).toBe('redis-sentinel://:pw1@redis-sentinel-0.redis.svc:26379,redis-sentinel-1.redis.svc:26379,redis-sentinel-2.redis.svc:26379/amko/0?sentinelPassword=pw2');
      expect(() => loadWatcherConfig(env, { hostname: 'h', pid: 1, stdoutIsTTY: false })).not.toThrow();
      expect(manifests.some((m) => m.kind === 'StatefulSet')).toBe(false);
    });
  });

  describe('when rendered with GSLBHostRule enabled', () => {
    it('federates the three kinds and creates the member RBAC of deploy/member-rbac', () => {
      const manifests = renderChart([join(CHART_DIR, 'ci', 'gslbhostrule-values.yaml')]);
      const env = environmentOf(container(manifests, 'amko-federation-watcher'));
      expect(env.FEDERATED_KINDS).toBe('GSLBConfig,GlobalDeploymentPolicy,GSLBHostRule');
      expect(loadWatcherConfig({ ...env, REDIS_URL: 'redis://r:6379' }, { hostname: 'h', pid: 1, stdoutIsTTY: false }).federatedKinds).toHaveLength(3);
      expect(find(manifests, 'Role', 'amko-federation-member')).toMatchObject({
        rules: [
          { apiGroups: ['amko.vmware.com'], resources: ['amkoclusters'], verbs: ['get', 'list'] },
          { apiGroups: ['amko.vmware.com'], resources: ['gslbconfigs', 'globaldeploymentpolicies', 'gslbhostrules'], verbs: ['get', 'list', 'create', 'update', 'delete'] },
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['amko-federation-fence'], verbs: ['get', 'update'] },
        ],
      });
      expect(find(manifests, 'ServiceAccount', 'amko-federation-member').metadata.namespace).toBe('avi-system');
    });
  });

  describe('when rendered with the OpenShift values', () => {
    it('sets no fixed user, group or fsGroup anywhere, scheduled backups included', () => {
      const manifests = renderChart([join(CHART_DIR, 'ci', 'openshift-values.yaml')]);
      const text = JSON.stringify(manifests);
      expect(text).not.toMatch(/runAsUser|runAsGroup|fsGroup/);
      expect(text).toContain('"runAsNonRoot":true');
      expect(environmentOf(container(manifests, 'amko-federation-watcher')).BACKUP_DIR).toBe(BACKUP_MOUNT);
    });
  });

  describe('when rendered with scheduled backups', () => {
    const manifests = renderChart([join(CHART_DIR, 'ci', 'backups-values.yaml')]);

    it('gives the watcher BACKUP_INTERVAL, BACKUP_DIR and BACKUP_KEEP its loadConfig accepts, on a volume it can write', () => {
      const watcher = container(manifests, 'amko-federation-watcher');
      const env = environmentOf(watcher);
      expect(env).toMatchObject({ BACKUP_INTERVAL: '12h', BACKUP_DIR: BACKUP_MOUNT, BACKUP_KEEP: '14' });
      const config = loadWatcherConfig({ ...withLocalBackupDir(env, watcher), REDIS_URL: 'redis://r:6379' }, { hostname: 'h', pid: 1, stdoutIsTTY: false });
      expect(config.backup).toEqual({ intervalMs: 12 * 3_600_000, dir: backupDir, keep: 14 });
      const pod = podSpec(find(manifests, 'Deployment', 'amko-federation-watcher'));
      expect(pod.securityContext).toMatchObject({ fsGroup: 1000, runAsNonRoot: true });
      expect(pod.volumes).toContainEqual({ name: 'backups', persistentVolumeClaim: { claimName: 'amko-federation-watcher-backups' } });
      expect(find(manifests, 'PersistentVolumeClaim', 'amko-federation-watcher-backups')).toMatchObject({
        spec: { accessModes: ['ReadWriteMany'], storageClassName: 'nfs-client', resources: { requests: { storage: '2Gi' } } },
      });
    });

    it('grants the watcher list on gslbhostrules in all namespaces, and nothing more', () => {
      expect(find(manifests, 'ClusterRole', 'amko-federation-watcher-backups')).toMatchObject({
        rules: [{ apiGroups: ['amko.vmware.com'], resources: ['gslbhostrules'], verbs: ['list'] }],
      });
      expect(find(manifests, 'ClusterRoleBinding', 'amko-federation-watcher-backups')).toMatchObject({
        roleRef: { kind: 'ClusterRole', name: 'amko-federation-watcher-backups' },
        subjects: [{ kind: 'ServiceAccount', name: 'amko-federation', namespace: 'avi-system' }],
      });
    });

    it('mounts an existing claim instead of creating one', () => {
      const existing = renderChart([join(CHART_DIR, 'ci', 'backups-values.yaml')], ['--set', 'watcher.backup.persistence.existingClaim=corp-backups']);
      expect(podSpec(find(existing, 'Deployment', 'amko-federation-watcher')).volumes).toContainEqual({ name: 'backups', persistentVolumeClaim: { claimName: 'corp-backups' } });
      expect(existing.filter((m) => m.kind === 'PersistentVolumeClaim')).toEqual([]);
    });
  });

  describe('when rendered with the defaults', () => {
    const manifests = renderChart();

    it('has scheduled backups off: no BACKUP_* setting, backup volume, claim or cluster-wide gslbhostrules list', () => {
      const watcher = container(manifests, 'amko-federation-watcher');
      expect(watcher.env?.map((e) => e.name).filter((n) => n.startsWith('BACKUP_'))).toEqual([]);
      expect(watcher.volumeMounts?.map((m) => m.name)).toEqual(['members']);
      expect(manifests.filter((m) => m.metadata.name.includes('backups'))).toEqual([]);
      expect(podSpec(find(manifests, 'Deployment', 'amko-federation-watcher')).securityContext).not.toHaveProperty('fsGroup');
    });

    it('keeps the Redis password off every command line and out of the environment of Redis itself', () => {
      const redis = podSpec(find(manifests, 'StatefulSet', 'amko-federation-redis'));
      const main = redis.containers[0] as Container;
      expect(main.command).toEqual(['redis-server', '/etc/redis/redis.conf']);
      expect(main.env?.map((e) => e.name)).toEqual(['REDISCLI_AUTH']);
      const config = find(manifests, 'ConfigMap', 'amko-federation-redis') as Manifest & { data: Record<string, string> };
      expect(config.data['redis.conf']).toMatch(/appendonly yes[\s\S]*maxmemory-policy noeviction[\s\S]*include \/run\/redis-auth\/auth.conf/);
    });

    it('lets into Redis only the watcher and the replicator, and lets Redis out nowhere', () => {
      const policy = find(manifests, 'NetworkPolicy', 'amko-federation-redis') as Manifest & { spec: { ingress: { from: unknown[] }[]; egress: unknown[] } };
      expect(policy.spec.ingress[0]?.from).toEqual([
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'amko-federation-watcher', 'app.kubernetes.io/instance': 'amko-federation' } } },
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'amko-federation-replicator', 'app.kubernetes.io/instance': 'amko-federation' } } },
      ]);
      expect(policy.spec.egress).toEqual([]);
    });

    it('generates board and Redis passwords (32 characters)', () => {
      const board = find(manifests, 'Secret', 'amko-federation-board') as Manifest & { data: Record<string, string> };
      expect(Buffer.from(board.data.password ?? '', 'base64').toString()).toMatch(/^[A-Za-z0-9]{32}$/);
    });
  });

  describe.each(VALUE_SETS)('when Helm 3 renders it with $name', ({ files }) => {
    it('passes helm3 lint --strict and renders the same objects as Helm 4', () => {
      const args = [CHART_DIR, '--namespace', 'avi-system', ...files.flatMap((f) => ['-f', f])];
      const lint = helm(['lint', '--strict', ...args], {}, HELM3);
      expect(lint.stdout + lint.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
      const rendered = helm(['template', 'amko-federation', ...args], {}, HELM3);
      expect(rendered.status, rendered.stderr).toBe(0);
      // Generated passwords differ between renders; everything else is the same.
      const comparable = (text: string) => parseManifests(text).map((m) => (m.kind === 'Secret' ? { ...m, data: Object.keys((m as { data?: object }).data ?? {}) } : m));
      expect(comparable(rendered.stdout)).toEqual(comparable(helm(['template', 'amko-federation', ...args]).stdout));
    });
  });

  describe('when a value is wrong', () => {
    const cases: readonly { file: string; field: string }[] = [
      { file: 'resync-interval.yaml', field: "at '/watcher/resyncInterval'" },
      { file: 'federated-kinds.yaml', field: "at '/federatedKinds/1'" },
      { file: 'external-redis-empty.yaml', field: "at '/redis/external'" },
      { file: 'replicas-text.yaml', field: "at '/replicator/replicas': got string, want integer" },
      { file: 'misspelt.yaml', field: "additional properties 'resyncIntervall' not allowed" },
      { file: 'key-prefix.yaml', field: "at '/keyPrefix'" },
      { file: 'sentinel-no-hosts.yaml', field: "at '/redis/external/sentinel/hosts'" },
      { file: 'log-level.yaml', field: "at '/logLevel'" },
    ];
    const helm3Cases: readonly { file: string; field: string }[] = [
      { file: 'resync-interval.yaml', field: '- watcher.resyncInterval: Does not match pattern' },
      { file: 'federated-kinds.yaml', field: '- federatedKinds.1: federatedKinds.1 must be one of the following' },
      { file: 'external-redis-empty.yaml', field: '- redis.external: Must validate at least one schema' },
      { file: 'replicas-text.yaml', field: '- replicator.replicas: Invalid type. Expected: integer, given: string' },
      { file: 'misspelt.yaml', field: '- watcher: Additional property resyncIntervall is not allowed' },
      { file: 'key-prefix.yaml', field: '- keyPrefix: Does not match pattern' },
      { file: 'sentinel-no-hosts.yaml', field: '- redis.external.sentinel.hosts: Array must have at least 1 items' },
      { file: 'log-level.yaml', field: '- logLevel: logLevel must be one of the following' },
    ];
    it.each(helm3Cases)('helm3 template refuses $file naming the field', ({ file, field }) => {
      const result = helm(['template', 'amko-federation', CHART_DIR, '-n', 'avi-system', '-f', join(import.meta.dirname, 'chart', 'bad-values', file)], {}, HELM3);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(field);
    });

    it.each(cases)('helm template refuses $file naming the field', ({ file, field }) => {
      const result = helm(['template', 'amko-federation', CHART_DIR, '-n', 'avi-system', '-f', join(import.meta.dirname, 'chart', 'bad-values', file)]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain("values don't meet the specifications of the schema");
      expect(result.stderr).toContain(field);
    });
  });
});
