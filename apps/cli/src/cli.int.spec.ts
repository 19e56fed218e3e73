import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AMKO_CLUSTER_KIND, FEDERATED_KINDS, renderBackupManifest, sha256Hex, type KubeObject } from '@amko-fed/domain';
import { createClusterClient, kubeConfigForContext, type ClusterClient } from '@amko-fed/kube';
import { startEmulatedClusters, kubeconfigYaml, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { createFederationLog, createMemberRegistry, createRedisConnection, createResultsStore, DEFAULT_KEY_PREFIX } from '@amko-fed/queue';
import { isolatedPrefix } from '@amko-fed/testing';
import { runCli } from './program.ts';

let clusters: EmulatedCluster[] = [];
let kubeconfigFile = '';
let dir = '';
const clients = new Map<string, ClusterClient>();

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { KUBECONFIG: kubeconfigFile, HOME: dir, ...env }, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const client = (name: string): ClusterClient => clients.get(name)!;

function amkoCluster(context: string, isLeader: boolean): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1', kind: 'AMKOCluster', metadata: { name: 'amkocluster-federation', namespace: 'avi-system' },
    spec: { isLeader, clusterContext: context, version: '1.12.1', clusters: ['cluster1', 'cluster2', 'cluster3'] },
  };
}

const gc: KubeObject = {
  apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBConfig',
  metadata: { name: 'gc-1', namespace: 'avi-system', labels: { owner: 'platform' }, annotations: { 'amko.vmware.com/amko-uuid': '3e328a5c-a717-11ed-a422-0a580a80025b' } },
  spec: { gslbLeader: { credentials: 'gslb-avi-secret', controllerVersion: '22.1.3', controllerIP: '10.10.10.1' }, memberClusters: [{ clusterContext: 'cluster1' }, { clusterContext: 'cluster2' }, { clusterContext: 'cluster3' }], refreshInterval: 1800, logLevel: 'INFO' },
};
const gdp: KubeObject = {
  apiVersion: 'amko.vmware.com/v1alpha2', kind: 'GlobalDeploymentPolicy', metadata: { name: 'global-gdp', namespace: 'avi-system' },
  spec: { matchRules: { appSelector: { label: { app: 'gslb' } } }, matchClusters: [{ cluster: 'cluster1' }, { cluster: 'cluster2' }], trafficSplit: [{ cluster: 'cluster1', weight: 8 }, { cluster: 'cluster2', weight: 2 }], ttl: 30 },
};
const ghr: KubeObject = {
  apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBHostRule', metadata: { name: 'shop', namespace: 'default' },
  spec: { fqdn: 'shop.example.com', ttl: 10 },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amko-fed-cli-'));
  clusters = await startEmulatedClusters(['cluster1', 'cluster2', 'cluster3', 'fresh', 'bare', 'restored']);
  const text = kubeconfigYaml(clusters, { currentContext: 'cluster1' });
  kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(kubeconfigFile, text);
  for (const c of clusters) clients.set(c.name, createClusterClient({ context: c.name, kubeConfig: kubeConfigForContext(text, c.name) }));
  for (const name of ['cluster1', 'cluster2', 'cluster3']) await client(name).create(AMKO_CLUSTER_KIND, 'avi-system', amkoCluster(name, name === 'cluster1'));
  await client('cluster1').create(FEDERATED_KINDS.GSLBConfig, 'avi-system', gc);
  await client('cluster1').create(FEDERATED_KINDS.GlobalDeploymentPolicy, 'avi-system', gdp);
  await client('cluster1').create(FEDERATED_KINDS.GSLBHostRule, 'default', ghr);
});

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.close()));
});

describe('amko-fed backup and restore', () => {
  describe('when cluster1 is backed up and restored onto a fresh cluster without cluster1', () => {
    it('writes one clean YAML file per object', async () => {
      const out = join(dir, 'backup');
      const result = await run(['--context', 'cluster1', 'backup', '--out', out]);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      expect(result.out).toContain('Backed up 3 object(s) from cluster1.');
      expect((await readdir(out)).sort()).toEqual(['globaldeploymentpolicy.avi-system.global-gdp.yaml', 'gslbconfig.avi-system.gc-1.yaml', 'gslbhostrule.default.shop.yaml']);
      const saved = parse(await readFile(join(out, 'gslbconfig.avi-system.gc-1.yaml'), 'utf8')) as KubeObject;
      expect(saved.metadata).toEqual(gc.metadata);
      expect(saved).not.toHaveProperty('status');
    });

    it('restores the objects minus the dropped member', async () => {
      const result = await run(['--context', 'fresh', 'restore', '--from', join(dir, 'backup'), '--drop-members', 'cluster1']);
      expect(result.code).toBe(0);
      expect(result.out).toContain('create GlobalDeploymentPolicy avi-system/global-gdp (removed spec.matchClusters: cluster1; spec.trafficSplit: cluster1)');
      const restoredGc = await client('fresh').get(FEDERATED_KINDS.GSLBConfig, 'avi-system', 'gc-1');
      expect(restoredGc?.spec).toEqual({ ...(gc.spec as object), memberClusters: [{ clusterContext: 'cluster2' }, { clusterContext: 'cluster3' }] });
      expect(restoredGc?.metadata.annotations).toEqual(gc.metadata.annotations);
      const restoredGdp = await client('fresh').get(FEDERATED_KINDS.GlobalDeploymentPolicy, 'avi-system', 'global-gdp');
      expect(restoredGdp?.spec).toMatchObject({ matchClusters: [{ cluster: 'cluster2' }], trafficSplit: [{ cluster: 'cluster2', weight: 2 }], ttl: 30 });
      const restoredGhr = await client('fresh').get(FEDERATED_KINDS.GSLBHostRule, 'default', 'shop');
      expect(restoredGhr?.spec).toMatchObject(ghr.spec as object);
    });

    it('replaces existing objects on a second restore, and a dry run changes nothing', async () => {
      const dry = await run(['--context', 'fresh', 'restore', '--from', join(dir, 'backup'), '--dry-run']);
      expect(dry.out).toContain('(dry run) would update GSLBConfig avi-system/gc-1');
      expect((await client('fresh').get(FEDERATED_KINDS.GSLBConfig, 'avi-system', 'gc-1'))?.spec).toMatchObject({ memberClusters: [{ clusterContext: 'cluster2' }, { clusterContext: 'cluster3' }] });
      const again = await run(['--context', 'fresh', 'restore', '--from', join(dir, 'backup')]);
      expect(again.code).toBe(0);
      expect((await client('fresh').get(FEDERATED_KINDS.GSLBConfig, 'avi-system', 'gc-1'))?.spec).toEqual(gc.spec);
    });
  });
});

describe('amko-fed restore --latest', () => {
  /** A scheduled backup as the watcher writes it: the files of `amko-fed backup`, then manifest.json (unless `manifest` is false). */
  async function scheduledBackup(root: string, name: string, options: { edit?: (text: string) => string; manifest?: boolean } = {}): Promise<string> {
    const out = join(root, name);
    expect((await run(['--context', 'cluster1', 'backup', '--out', out])).code).toBe(0);
    const file = join(out, 'globaldeploymentpolicy.avi-system.global-gdp.yaml');
    if (options.edit !== undefined) await writeFile(file, options.edit(await readFile(file, 'utf8')));
    if (options.manifest === false) return out;
    const files: Record<string, string> = {};
    for (const f of (await readdir(out)).sort()) files[f] = sha256Hex(await readFile(join(out, f), 'utf8'));
    await writeFile(join(out, 'manifest.json'), renderBackupManifest({ version: 1, createdAt: '2026-12-06T01:00:00.000Z', leader: 'cluster1', epoch: null, objectCount: Object.keys(files).length, files }));
    return out;
  }

  describe('when the backup directory holds verified, unfinished and corrupted backups', () => {
    it('restores the newest verified one and names the ones it skipped', async () => {
      const root = join(dir, 'scheduled');
      await scheduledBackup(root, 'backup-20261206T010000000Z');
      const newestVerified = await scheduledBackup(root, 'backup-20261206T020000000Z', { edit: (t) => t.replace('ttl: 30', 'ttl: 45') });
      const unfinished = await scheduledBackup(root, 'backup-20261206T030000000Z', { manifest: false });
      const corrupted = await scheduledBackup(root, 'backup-20261206T040000000Z');
      const file = join(corrupted, 'globaldeploymentpolicy.avi-system.global-gdp.yaml');
      await writeFile(file, (await readFile(file, 'utf8')).replace('ttl: 30', 'ttl: 99'));

      const result = await run(['--context', 'restored', 'restore', '--from', root, '--latest']);
      expect(result.code).toBe(0);
      expect(result.out).toContain(`Restoring the newest verified backup ${newestVerified}`);
      expect(result.out).toContain('Restored 3 object(s) to restored.');
      expect(result.err).toContain(`Skipping ${corrupted}: globaldeploymentpolicy.avi-system.global-gdp.yaml does not match its hash in manifest.json`);
      expect(result.err).toContain(`Skipping ${unfinished}: no readable manifest.json (ENOENT)`);
      expect((await client('restored').get(FEDERATED_KINDS.GlobalDeploymentPolicy, 'avi-system', 'global-gdp'))?.spec).toMatchObject({ ttl: 45 });
    });
  });

  describe('when no backup in the directory verifies', () => {
    it('exits 2 and changes nothing', async () => {
      const root = join(dir, 'scheduled-none');
      await scheduledBackup(root, 'backup-20261206T010000000Z', { manifest: false });
      const result = await run(['--context', 'bare', 'restore', '--from', root, '--latest']);
      expect(result.code).toBe(2);
      expect(result.err).toContain(`${root} holds no verified backup`);
      expect(await client('bare').get(FEDERATED_KINDS.GSLBConfig, 'avi-system', 'gc-1')).toBeUndefined();
    });
  });
});

describe('amko-fed promote and demote', () => {
  describe('when another reachable member is still the leader', () => {
    it('refuses, names it, and changes nothing', async () => {
      const result = await run(['--context', 'cluster2', 'promote']);
      expect(result.code).toBe(1);
      expect(result.err).toBe('error: refusing to promote cluster2: cluster cluster1 is reachable and still the leader (isLeader: true); run "amko-fed demote --context cluster1" first, or pass --force');
      expect((await client('cluster2').get(AMKO_CLUSTER_KIND, 'avi-system', 'amkocluster-federation'))?.spec).toMatchObject({ isLeader: false });
    });
  });

  describe('when the old leader is unreachable', () => {
    it('promotes, sets the controller IP, and warns about the unreachable member', async () => {
      await clusters[0]!.stop();
      try {
        const dry = await run(['--context', 'cluster2', 'promote', '--controller-ip', '10.20.0.5', '--dry-run', '--request-timeout', '2000']);
        expect(dry.code).toBe(1); // cluster2 has no GSLBConfig yet: restore first
        expect(dry.err).toContain('cluster cluster2 has 0 GSLBConfig objects in avi-system');
        await run(['--context', 'cluster2', 'restore', '--from', join(dir, 'backup'), '--drop-members', 'cluster1']);
        const result = await run(['--context', 'cluster2', 'promote', '--controller-ip', '10.20.0.5', '--request-timeout', '2000']);
        expect(result.code).toBe(0);
        expect(result.err).toMatch(/warning: cluster cluster1 is unreachable/);
        expect(result.out).toContain('GSLBConfig avi-system/gc-1: spec.gslbLeader.controllerIP = 10.20.0.5');
        expect(result.out).toContain('Promoted cluster2.');
        expect((await client('cluster2').get(AMKO_CLUSTER_KIND, 'avi-system', 'amkocluster-federation'))?.spec).toMatchObject({ isLeader: true });
        expect((await client('cluster2').get(FEDERATED_KINDS.GSLBConfig, 'avi-system', 'gc-1'))?.spec).toMatchObject({ gslbLeader: { controllerIP: '10.20.0.5' } });
      } finally {
        await clusters[0]!.start();
      }
    });

    it('demotes the old leader when it comes back', async () => {
      const result = await run(['--context', 'cluster1', 'demote']);
      expect(result.code).toBe(0);
      expect(result.out).toContain('AMKOCluster avi-system/amkocluster-federation: spec.isLeader = false');
      expect((await client('cluster1').get(AMKO_CLUSTER_KIND, 'avi-system', 'amkocluster-federation'))?.spec).toMatchObject({ isLeader: false });
    });
  });
});

describe('amko-fed with bad input', () => {
  it.each([
    ['an unknown context', ['--context', 'nowhere', 'demote'], 2, 'error: context "nowhere" does not exist in the kubeconfig; known contexts: cluster1, cluster2, cluster3, fresh, bare, restored'],
    ['a missing AMKOCluster', ['--context', 'bare', 'demote'], 1, 'error: no AMKOCluster object in avi-system of cluster bare; is AMKO installed there with federation configured?'],
    ['an unreadable backup directory', ['--context', 'fresh', 'restore', '--from', '/nonexistent/backup'], 2, 'error: cannot read the backup directory /nonexistent/backup: ENOENT'],
    ['a bad controller IP', ['--context', 'cluster2', 'promote', '--controller-ip', '10.0.0.300'], 2, 'error: --controller-ip "10.0.0.300" is not an IP address; give the new leader site\'s Avi controller IP, e.g. 10.10.10.1'],
    ['a bad kind', ['replay', '--kind', 'Deployment', '--redis-url', 'redis://127.0.0.1:1'], 2, 'error: --kind "Deployment" is not a federated kind; use GSLBConfig (gc), GlobalDeploymentPolicy (gdp) or GSLBHostRule (ghr)'],
    ['replay of all objects without a cluster', ['replay', '--all-objects', '--redis-url', 'redis://127.0.0.1:1'], 2, 'error: --all-objects needs --cluster: name the follower to re-drive'],
    ['no Redis', ['--context', 'fresh', 'status'], 2, 'error: no Redis given: pass --redis-url redis://HOST:6379 or set REDIS_URL'],
  ])('reports %s clearly and exits non-zero', async (_name, args, code, message) => {
    const result = await run(args);
    expect(result.code).toBe(code);
    expect(result.err).toBe(message);
  });

  it('reports malformed YAML with the file name and changes nothing', async () => {
    const bad = join(dir, 'bad-backup');
    await mkdir(bad, { recursive: true });
    await writeFile(join(bad, 'a.yaml'), 'apiVersion: amko.vmware.com/v1alpha1\nkind: GSLBConfig\nmetadata: {name: gc-9, namespace: avi-system}\nspec: {}\n');
    await writeFile(join(bad, 'b.yaml'), 'kind: GSLBConfig\n  spec: [unclosed\n');
    const result = await run(['--context', 'fresh', 'restore', '--from', bad]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(new RegExp(`^error: ${join(bad, 'b.yaml')} is not valid YAML: `));
    expect(await client('fresh').get(FEDERATED_KINDS.GSLBConfig, 'avi-system', 'gc-9')).toBeUndefined();
  });

  it('reports a kubeconfig that is not a kubeconfig', async () => {
    const file = join(dir, 'broken-kubeconfig');
    await writeFile(file, 'users: [token: abc\n');
    await chmod(file, 0o600);
    const result = await run(['--kubeconfig', file, 'demote']);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`error: cannot read kubeconfig ${file}: it is not a valid kubeconfig YAML file`);
  });
});

describe('amko-fed status and replay', () => {
  it('shows each follower and object from the records in Redis', async () => {
    const redisUrl = inject('redisUrl');
    const prefix = isolatedPrefix('cli');
    const redis = createRedisConnection(redisUrl, { role: 'client' });
    try {
      const log = createFederationLog({ redis, prefix });
      const seq = await log.appendEvent({ op: 'upsert', objectKey: 'GSLBConfig/avi-system/gc-1', kind: 'GSLBConfig', resourceVersion: '5', contentHash: 'h', object: gc, source: 'watch' });
      await createMemberRegistry({ redis, prefix }).publishMembers({ leader: 'cluster1', members: [{ cluster: 'cluster2', state: 'valid' }, { cluster: 'cluster3', state: 'invalid', reason: 'version mismatch, current AMKO: 1.12.1, AMKO in cluster cluster3: 1.11.1' }] });
      const results = createResultsStore({ redis, prefix });
      await results.recordResult({ cluster: 'cluster2', objectKey: 'GSLBConfig/avi-system/gc-1', outcome: 'updated', seq, attempts: 1, at: '2026-11-22T10:00:00.000Z' });

      const text = await run(['--context', 'cluster1', 'status', '--redis-url', redisUrl, '--key-prefix', prefix]);
      expect(text.code).toBe(3); // cluster1's AMKOCluster has no conditions yet: pending (status.int.spec has every exit code)
      expect(text.out).toMatch(/cluster2\s+valid\s+GSLBConfig\/avi-system\/gc-1\s+in sync\s+2026-11-22T10:00:00.000Z/);
      expect(text.out).toMatch(/cluster3\s+invalid\s+GSLBConfig\/avi-system\/gc-1\s+unknown\s+-\s+member invalid: version mismatch/);
      expect(text.out).toContain('Not in sync: ');

      const json = await run(['status', '--json', '--redis-url', redisUrl, '--key-prefix', prefix]);
      const view = JSON.parse(json.out) as { leader: string; inSync: boolean; followers: { cluster: string; membershipReason?: string }[] };
      expect(view.leader).toBe('cluster1');
      expect(view.inSync).toBe(false);
      expect(view.followers[1]?.membershipReason).toBe('version mismatch, current AMKO: 1.12.1, AMKO in cluster cluster3: 1.11.1');

      const replayed = await run(['replay', '--cluster', 'cluster3', '--all-objects', '--redis-url', redisUrl, '--key-prefix', prefix]);
      expect(replayed.out).toBe('Enqueued 1 object(s) to cluster3.');
    } finally {
      redis.disconnect();
    }
  });
});

describe('the amko-fed binary', () => {
  it('defaults --key-prefix to the deployment default of the queue library', async () => {
    const help = await run(['status', '--help']);
    expect(help.out).toContain(`(default: "${DEFAULT_KEY_PREFIX}")`);
  });

  it('prints help for every command and exits 0', () => {
    const bin = join(import.meta.dirname, 'cli.ts');
    for (const command of ['status', 'replay', 'backup', 'restore', 'promote', 'demote']) {
      const result = spawnSync(process.execPath, [bin, command, '--help'], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`Usage: amko-fed ${command}`);
    }
  });

  it('exits 2 on an unknown option', () => {
    const result = spawnSync(process.execPath, [join(import.meta.dirname, 'cli.ts'), 'backup', '--out', dir, '--nope'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("error: unknown option '--nope'");
  });
});
