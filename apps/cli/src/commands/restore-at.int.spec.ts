/**
 * `amko-fed restore --at` against emulated clusters and a real Redis: global-gdp was created,
 * edited twice and deleted on the leader, the federation log recorded each change (as the watcher
 * writes it), and the restore brings it back as it was at a chosen time.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AMKO_CLUSTER_KIND, FEDERATED_KINDS, type AppendEventInput, type KubeObject, type ObjectKey } from '@amko-fed/domain';
import { createClusterClient, kubeConfigForContext, type ClusterClient } from '@amko-fed/kube';
import { kubeconfigYaml, startEmulatedClusters, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { createFederationLog, createMemberRegistry, createRedisConnection } from '@amko-fed/queue';
import { isolatedPrefix } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../program.ts';

const GDP = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const RULE = 'GSLBHostRule/avi-system/late-rule' as ObjectKey;
const redisUrl = inject('redisUrl');
const prefix = isolatedPrefix('cli-restore-at');
const redis = createRedisConnection(redisUrl, { role: 'client' });
const T = (minute: number) => Date.parse(`2026-12-06T01:${String(minute).padStart(2, '0')}:00.000Z`);
const iso = (minute: number) => new Date(T(minute)).toISOString();
let clusters: EmulatedCluster[] = [];
let kubeconfigFile = '';
const clients = new Map<string, ClusterClient>();
const leader = () => clients.get('cluster1') as ClusterClient;

const spec = (weight: number, ttl: unknown = 10) => ({ matchClusters: [{ cluster: 'cluster1' }, { cluster: 'cluster2' }], trafficSplit: [{ cluster: 'cluster1', weight }], ttl });
const gdpObject = (weight: number, ttl?: unknown) => ({
  apiVersion: 'amko.vmware.com/v1alpha2', kind: 'GlobalDeploymentPolicy', metadata: { name: 'global-gdp', namespace: 'avi-system' }, spec: spec(weight, ttl),
});
const upsert = (key: ObjectKey, rv: string, object: Record<string, unknown>, managers: string[]): AppendEventInput => ({
  op: 'upsert', objectKey: key, kind: key.split('/')[0] as AppendEventInput['kind'], resourceVersion: rv, contentHash: `h${rv}`, object, source: 'watch', managers, leader: 'cluster1',
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--redis-url', redisUrl, '--key-prefix', prefix], { KUBECONFIG: kubeconfigFile }, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'amko-fed-restore-at-'));
  clusters = await startEmulatedClusters(['cluster1', 'cluster2']);
  const text = kubeconfigYaml(clusters, { currentContext: 'cluster1' });
  kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(kubeconfigFile, text);
  for (const c of clusters) clients.set(c.name, createClusterClient({ context: c.name, kubeConfig: kubeConfigForContext(text, c.name) }));
  for (const name of ['cluster1', 'cluster2']) {
    await clients.get(name)?.create(AMKO_CLUSTER_KIND, 'avi-system', {
      apiVersion: 'amko.vmware.com/v1alpha1', kind: 'AMKOCluster', metadata: { name: 'amkocluster-federation', namespace: 'avi-system' },
      spec: { isLeader: name === 'cluster1', clusterContext: name, version: '1.12.1', clusters: ['cluster1', 'cluster2'] },
    } as KubeObject);
  }
  let now = T(0);
  const log = createFederationLog({ redis, prefix, clock: () => new Date(now) });
  await createMemberRegistry({ redis, prefix }).publishMembers({ leader: 'cluster1', members: [{ cluster: 'cluster2', state: 'valid' }] });
  await log.appendEvent(upsert(GDP, '100', gdpObject(5), ['helm']));
  now = T(10);
  await log.appendEvent(upsert(GDP, '101', gdpObject(7), ['kubectl-edit']));
  now = T(20);
  await log.appendEvent(upsert(GDP, '102', gdpObject(9), ['kubectl-edit']));
  now = T(30);
  await log.appendEvent({ op: 'delete', objectKey: GDP, kind: 'GlobalDeploymentPolicy', resourceVersion: '103', source: 'watch' });
  now = T(40);
  // Created after the delete, and present on the leader now.
  const rule = { apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBHostRule', metadata: { name: 'late-rule', namespace: 'avi-system' }, spec: { fqdn: 'late.example.com', ttl: 5 } };
  await log.appendEvent(upsert(RULE, '104', rule, ['kubectl-client-side-apply']));
  await leader().create(FEDERATED_KINDS.GSLBHostRule, 'avi-system', rule as KubeObject);
});

afterAll(async () => {
  await redis.quit();
  await Promise.all(clusters.map((c) => c.close()));
});

describe('amko-fed restore --at', () => {
  describe('when asked on a follower', () => {
    it('refuses and names the leader to use', async () => {
      const { code, err } = await run('--context', 'cluster2', 'restore', '--at', iso(25), '--object', 'gdp/global-gdp');
      expect(code).toBe(1);
      expect(err).toContain('cluster cluster2 is a follower');
      expect(err).toContain('amko-fed --context cluster1 restore --at');
    });
  });

  describe('when the federation in Redis is led by another cluster', () => {
    it('refuses as a stale leader and names the current one', async () => {
      const other = isolatedPrefix('cli-restore-at-stale');
      await createMemberRegistry({ redis, prefix: other }).publishMembers({ leader: 'cluster3', members: [{ cluster: 'cluster1', state: 'valid' }] });
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['--context', 'cluster1', 'restore', '--at', iso(25), '--redis-url', redisUrl, '--key-prefix', other], { KUBECONFIG: kubeconfigFile }, { out: (t) => out.push(t), err: (t) => err.push(t) });
      expect(code).toBe(1);
      expect(err.join('\n')).toContain('cluster cluster1 is not the federation\'s leader in this Redis (the watcher publishes cluster3 as leader); restore on the current leader: amko-fed --context cluster3 restore --at');
    });
  });

  describe('when the input is wrong', () => {
    it.each([
      [[iso(0).replace('01:00', '00:00')], 2, `is before the retained history, which goes back to ${iso(0)}`],
      [[iso(25), '--object', 'gdp/nope'], 2, 'no history for gdp/nope; objects with history: ghr/late-rule, gdp/global-gdp'],
      [['yesterday'], 2, '--at "yesterday" is neither an RFC 3339 time'],
    ])('%j exits %i naming the problem, writing nothing', async (args, exit, message) => {
      const { code, err } = await run('--context', 'cluster1', 'restore', '--at', ...args);
      expect(code).toBe(exit);
      expect(err).toContain(message);
      expect(await leader().get(FEDERATED_KINDS.GlobalDeploymentPolicy, 'avi-system', 'global-gdp')).toBeUndefined();
    });
  });

  describe('when restoring global-gdp to a time between the second edit and the delete', () => {
    it('shows the diff on a dry run and changes nothing', async () => {
      const { code, out } = await run('--context', 'cluster1', 'restore', '--at', iso(25), '--object', 'gdp/global-gdp', '--dry-run');
      expect(code).toBe(0);
      expect(out).toContain('(dry run) would create gdp/global-gdp');
      expect(out).toContain('+  - cluster: cluster1\n+    weight: 9');
      expect(out).toContain('Dry run: nothing was changed on cluster1.');
      expect(await leader().get(FEDERATED_KINDS.GlobalDeploymentPolicy, 'avi-system', 'global-gdp')).toBeUndefined();
    });

    it('re-creates it on the leader with the second edit\'s spec', async () => {
      const { code, out, err } = await run('--context', 'cluster1', 'restore', '--at', iso(25), '--object', 'gdp/global-gdp');
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toContain(`Restored 1 object(s) on cluster1 to ${iso(25)}`);
      expect((await leader().get(FEDERATED_KINDS.GlobalDeploymentPolicy, 'avi-system', 'global-gdp'))?.spec).toMatchObject({ ...spec(9), trafficSplit: [{ cluster: 'cluster1', weight: 9 }] });
    });

    it('updates it to an earlier version, and keeps a later object without --prune', async () => {
      const { code, out } = await run('--context', 'cluster1', 'restore', '--at', iso(15));
      expect(code).toBe(0);
      expect(out).toContain('update gdp/global-gdp');
      expect(out).toContain('ghr/late-rule: created after');
      expect((await leader().get(FEDERATED_KINDS.GlobalDeploymentPolicy, 'avi-system', 'global-gdp'))?.spec).toMatchObject({ ...spec(7), trafficSplit: [{ cluster: 'cluster1', weight: 7 }] });
      expect(await leader().get(FEDERATED_KINDS.GSLBHostRule, 'avi-system', 'late-rule')).toBeDefined();
    });
  });

  describe('when a version to restore does not validate', () => {
    it('writes nothing and names the object', async () => {
      await createFederationLog({ redis, prefix, clock: () => new Date(T(50)) }).appendEvent(upsert(GDP, '105', gdpObject(3, 'ten'), ['kubectl-edit']));
      const before = (await leader().get(FEDERATED_KINDS.GlobalDeploymentPolicy, 'avi-system', 'global-gdp'))?.spec;
      const { code, err } = await run('--context', 'cluster1', 'restore', '--at', iso(55), '--prune');
      expect(code).toBe(1);
      expect(err).toContain('nothing was written: 1 object(s) do not validate: gdp/global-gdp');
      expect((await leader().get(FEDERATED_KINDS.GlobalDeploymentPolicy, 'avi-system', 'global-gdp'))?.spec).toEqual(before);
      expect(await leader().get(FEDERATED_KINDS.GSLBHostRule, 'avi-system', 'late-rule')).toBeDefined();
    });
  });
});
