/**
 * The promote readiness report through the real CLI over emulated clusters: the old leader
 * cluster1 is down; cluster2 and cluster3 followed it (cluster3 received later changes and one more
 * object), cluster4 was never reached, cluster9 has no context. Copies and fencing tokens are
 * written directly, as the replicator writes them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AMKO_CLUSTER_KIND,
  APPLIED_AT_ANNOTATION,
  CONTENT_HASH_ANNOTATION,
  FENCE_EPOCH_ANNOTATION,
  FENCE_LEASE_KIND,
  FENCE_LEASE_NAME,
  FEDERATED_KINDS,
  LEADER_EPOCH_ANNOTATION,
  SOURCE_CLUSTER_ANNOTATION,
  SOURCE_RESOURCE_VERSION_ANNOTATION,
  type KindInfo,
  type KubeObject,
  type PromoteReadiness,
} from '@amko-fed/domain';
import { createClusterClient, kubeConfigForContext, type ClusterClient } from '@amko-fed/kube';
import { kubeconfigYaml, startEmulatedClusters, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { createMemberRegistry, createRedisConnection } from '@amko-fed/queue';
import { isolatedPrefix } from '@amko-fed/testing';
import { runCli } from '../program.ts';

const NS = 'avi-system';
const AMKO_NAME = 'amkocluster-federation';
const GC = 'GSLBConfig/avi-system/gc-1';
const GDP = 'GlobalDeploymentPolicy/avi-system/global-gdp';
const GHR = 'GSLBHostRule/avi-system/shop';
const MEMBERS = ['cluster1', 'cluster2', 'cluster3', 'cluster4', 'cluster9'];

let clusters: EmulatedCluster[] = [];
let dir = '';
let kubeconfigFile = '';
const clients = new Map<string, ClusterClient>();
const client = (name: string): ClusterClient => clients.get(name)!;

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['--request-timeout', '2000', ...args], { KUBECONFIG: kubeconfigFile, HOME: dir }, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function amkoCluster(context: string, isLeader: boolean, epoch?: number): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1', kind: 'AMKOCluster',
    metadata: { name: AMKO_NAME, namespace: NS, ...(epoch === undefined ? {} : { annotations: { [LEADER_EPOCH_ANNOTATION]: String(epoch) } }) },
    spec: { isLeader, clusterContext: context, version: '1.12.1', clusters: MEMBERS },
  };
}

const specs: Record<string, { kind: KindInfo; apiVersion: string; name: string; spec: object }> = {
  [GC]: { kind: FEDERATED_KINDS.GSLBConfig, apiVersion: 'amko.vmware.com/v1alpha1', name: 'gc-1', spec: { gslbLeader: { credentials: 'gslb-avi-secret', controllerVersion: '22.1.3', controllerIP: '10.10.10.1' }, memberClusters: [{ clusterContext: 'cluster1' }, { clusterContext: 'cluster2' }], refreshInterval: 1800, logLevel: 'INFO' } },
  [GDP]: { kind: FEDERATED_KINDS.GlobalDeploymentPolicy, apiVersion: 'amko.vmware.com/v1alpha2', name: 'global-gdp', spec: { matchRules: { appSelector: { label: { app: 'gslb' } } }, matchClusters: [{ cluster: 'cluster1' }, { cluster: 'cluster2' }], ttl: 30 } },
  [GHR]: { kind: FEDERATED_KINDS.GSLBHostRule, apiVersion: 'amko.vmware.com/v1alpha1', name: 'shop', spec: { fqdn: 'shop.example.com', ttl: 10 } },
};

/** A copy of `key` as the replicator of cluster1 at `epoch` writes it. */
async function writeCopy(cluster: string, key: string, provenance: { epoch: number; rv: string; hash: string; at: string }): Promise<void> {
  const { kind, apiVersion, name, spec } = specs[key]!;
  await client(cluster).create(kind, NS, {
    apiVersion, kind: kind.kind, spec,
    metadata: {
      name, namespace: NS,
      annotations: {
        [SOURCE_CLUSTER_ANNOTATION]: 'cluster1', [SOURCE_RESOURCE_VERSION_ANNOTATION]: provenance.rv, [CONTENT_HASH_ANNOTATION]: provenance.hash,
        [LEADER_EPOCH_ANNOTATION]: String(provenance.epoch), [APPLIED_AT_ANNOTATION]: provenance.at,
      },
    },
  });
}

async function writeToken(cluster: string, leader: string, epoch: number): Promise<void> {
  await client(cluster).create(FENCE_LEASE_KIND, NS, {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: { name: FENCE_LEASE_NAME, namespace: NS, annotations: { [FENCE_EPOCH_ANNOTATION]: String(epoch) } },
    spec: { holderIdentity: leader },
  });
}

const amkoOf = async (cluster: string) => client(cluster).get(AMKO_CLUSTER_KIND, NS, AMKO_NAME);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amko-fed-readiness-'));
  clusters = await startEmulatedClusters(['cluster1', 'cluster2', 'cluster3', 'cluster4']);
  const text = kubeconfigYaml(clusters, { currentContext: 'cluster2' });
  kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(kubeconfigFile, text);
  for (const c of clusters) clients.set(c.name, createClusterClient({ context: c.name, kubeConfig: kubeConfigForContext(text, c.name) }));
  await client('cluster1').create(AMKO_CLUSTER_KIND, NS, amkoCluster('cluster1', true, 1));
  // cluster2 led once before (epoch 1 is left on it); promoting it must take a new epoch
  await client('cluster2').create(AMKO_CLUSTER_KIND, NS, amkoCluster('cluster2', false, 1));
  await client('cluster3').create(AMKO_CLUSTER_KIND, NS, amkoCluster('cluster3', false));
  await client('cluster4').create(AMKO_CLUSTER_KIND, NS, amkoCluster('cluster4', false));
  await writeToken('cluster2', 'cluster1', 2);
  await writeToken('cluster3', 'cluster1', 2);
  await writeCopy('cluster2', GC, { epoch: 2, rv: '9', hash: 'gc-old', at: '2026-12-06T01:00:00.000Z' });
  await writeCopy('cluster2', GDP, { epoch: 2, rv: '31', hash: 'gdp-new', at: '2026-12-06T01:10:00.000Z' });
  await writeCopy('cluster3', GC, { epoch: 2, rv: '12', hash: 'gc-new', at: '2026-12-06T01:20:00.000Z' });
  await writeCopy('cluster3', GDP, { epoch: 2, rv: '31', hash: 'gdp-new', at: '2026-12-06T01:10:00.000Z' });
  await writeCopy('cluster3', GHR, { epoch: 2, rv: '40', hash: 'ghr', at: '2026-12-06T01:30:00.000Z' });
  await clusters[0]!.stop(); // the old leader's site is down
});

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('amko-fed promote readiness', () => {
  describe('when a follower that is behind is dry-run promoted', () => {
    it('shows every member, every object and recommends the follower with the newest state', async () => {
      const result = await run(['--context', 'cluster2', 'promote', '--dry-run']);
      expect(result.out).toMatch(/cluster1\s+unreachable \(old leader\)\s+-\s+-\s+-\s+.*ECONNREFUSED/);
      expect(result.out).toMatch(/cluster2\s+candidate\s+cluster1 epoch 2\s+2026-12-06T01:10:00.000Z\s+2\s+2: GSLBConfig\/avi-system\/gc-1, GSLBHostRule\/avi-system\/shop/);
      expect(result.out).toMatch(/cluster3\s+candidate\s+cluster1 epoch 2\s+2026-12-06T01:30:00.000Z\s+3\s+-/);
      expect(result.out).toMatch(/cluster4\s+candidate\s+no token\s+never\s+0\s+3: /);
      expect(result.out).toMatch(/cluster9\s+unreachable\s+-\s+-\s+-\s+no context "cluster9" in the kubeconfig/);
      expect(result.out).toMatch(/GSLBConfig\/avi-system\/gc-1\s+cluster1@12 epoch 2\s+older\s+newest\s+missing/);
      expect(result.out).toMatch(/GlobalDeploymentPolicy\/avi-system\/global-gdp\s+cluster1@31 epoch 2\s+newest\s+newest\s+missing/);
      expect(result.out).toContain('cluster3 is the safest to promote: it holds the newest copy of every object');
      expect(result.out).toContain(`cluster3 holds the newest state of 2 objects that cluster2 lacks: ${GC}, ${GHR}`);
      expect(result.out).toContain(`(dry run) AMKOCluster avi-system/${AMKO_NAME}: spec.isLeader = true; annotation ${LEADER_EPOCH_ANNOTATION} removed (was 1): it takes a new leader epoch above every epoch it sees`);
      expect(result.out).toContain('Dry run: nothing was changed on cluster2.');
      expect(result.code).toBe(1);
      expect(result.err).toContain('error: dry run: promoting cluster2 would be refused: cluster2 lacks the newest state of 2 object(s)');
      expect((await amkoOf('cluster2'))?.spec).toMatchObject({ isLeader: false });
    });

    it('prints the same report as JSON', async () => {
      const result = await run(['--context', 'cluster2', 'promote', '--dry-run', '--json']);
      const report = JSON.parse(result.out) as { applied: boolean; refusal: string; readiness: PromoteReadiness };
      expect(report.applied).toBe(false);
      expect(report.readiness.safest).toEqual(['cluster3']);
      expect(report.readiness.behind.filter((b) => b.cluster === 'cluster2').map((b) => [b.objectKey, b.state, b.newerOn])).toEqual([[GC, 'older', ['cluster3']], [GHR, 'missing', ['cluster3']]]);
      expect(report.refusal).toContain('promote cluster3 instead');
    });
  });

  describe('when the safest follower is dry-run promoted', () => {
    it('would promote it, taking a new epoch', async () => {
      const result = await run(['--context', 'cluster3', 'promote', '--dry-run']);
      expect(result.code).toBe(0);
      expect(result.err).toMatch(/warning: cluster cluster1 is unreachable/);
      expect(result.out).toContain(`(dry run) AMKOCluster avi-system/${AMKO_NAME}: spec.isLeader = true; no ${LEADER_EPOCH_ANNOTATION} annotation: it takes a new leader epoch above every epoch it sees`);
    });
  });

  describe('when status looks from a follower context', () => {
    it('shows the readiness report without Redis and exits 4 (a follower federates nothing)', async () => {
      const result = await run(['--context', 'cluster4', 'status']);
      expect(result.code).toBe(4);
      expect(result.out).toContain('cluster4 is a follower (isLeader: false): it federates nothing');
      expect(result.out).toContain('cluster3 is the safest to promote: it holds the newest copy of every object');
      expect(result.out).toContain(`cluster3 holds the newest state of 3 objects that cluster4 lacks: ${GC}, ${GHR}, ${GDP}`);
    });

    it('adds the report to the federation records with Redis', async () => {
      const redis = createRedisConnection(inject('redisUrl'), { role: 'client' });
      const prefix = isolatedPrefix('readiness');
      try {
        await createMemberRegistry({ redis, prefix }).publishMembers({ leader: 'cluster1', members: [{ cluster: 'cluster2', state: 'valid' }] });
        const result = await run(['--context', 'cluster4', 'status', '--json', '--redis-url', inject('redisUrl'), '--key-prefix', prefix]);
        const view = JSON.parse(result.out) as { leader: string; promoteReadiness: PromoteReadiness };
        expect(view.leader).toBe('cluster1');
        expect(view.promoteReadiness.safest).toEqual(['cluster3']);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('when a follower that is behind is promoted', () => {
    it('refuses without --force, naming the objects, the better follower and --force', async () => {
      const result = await run(['--context', 'cluster2', 'promote']);
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        `error: refusing to promote cluster2: cluster2 lacks the newest state of 2 object(s) that another reachable follower holds: ${GC} (older on cluster2; newer on cluster3), ${GHR} (missing on cluster2; newer on cluster3); ` +
        'promote cluster3 instead ("amko-fed --context cluster3 promote"), or pass --force to promote cluster2 anyway',
      );
      expect((await amkoOf('cluster2'))?.spec).toMatchObject({ isLeader: false });
      expect((await amkoOf('cluster2'))?.metadata.annotations).toMatchObject({ [LEADER_EPOCH_ANNOTATION]: '1' });
    });

    it('promotes with --force, warning what it lacks, and removes its old epoch', async () => {
      const result = await run(['--context', 'cluster2', 'promote', '--force']);
      expect(result.code).toBe(0);
      expect(result.err).toContain(`warning: forced: cluster2 lacks the newest state of 2 object(s) another reachable follower holds: ${GC}`);
      expect(result.out).toContain('Promoted cluster2.');
      const amko = await amkoOf('cluster2');
      expect(amko?.spec).toMatchObject({ isLeader: true });
      expect(amko?.metadata.annotations ?? {}).not.toHaveProperty(LEADER_EPOCH_ANNOTATION);
    });
  });

  describe('when the old leader comes back still leader at its old epoch and is made leader again', () => {
    it('removes its epoch so that it takes a new one', async () => {
      await clusters[0]!.start();
      const result = await run(['--context', 'cluster1', 'promote', '--force']);
      expect(result.code).toBe(0);
      expect(result.err).toContain('warning: forced: cluster2 still says isLeader: true');
      expect(result.out).toContain(`AMKOCluster avi-system/${AMKO_NAME}: already isLeader: true; annotation ${LEADER_EPOCH_ANNOTATION} removed (was 1)`);
      expect((await amkoOf('cluster1'))?.metadata.annotations ?? {}).not.toHaveProperty(LEADER_EPOCH_ANNOTATION);
    });
  });
});
