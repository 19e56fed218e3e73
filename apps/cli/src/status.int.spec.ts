/**
 * The `amko-fed status` contract for scripts: exit 0 only when every valid follower is in sync
 * and every AMKOCluster condition is success, 3 pending, 4 failed, 2 bad input (an unknown
 * --context, a key prefix that holds no federation while others do), 1 Redis unreachable with one
 * `error:` line; `--wait` returns once in sync; an invalid follower's objects are `unknown`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AMKO_CLUSTER_KIND, ConditionStatus, ConditionType, FEDERATED_KINDS, type KubeObject } from '@amko-fed/domain';
import { createClusterClient, kubeConfigForContext, type ClusterClient } from '@amko-fed/kube';
import { kubeconfigYaml, startEmulatedClusters, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { createFederationLog, createMemberRegistry, createRedisConnection, createResultsStore } from '@amko-fed/queue';
import { freePort, isolatedPrefix, startTestRedis } from '@amko-fed/testing';
import { runCli } from './program.ts';

let clusters: EmulatedCluster[] = [];
let dir = '';
let kubeconfigFile = '';
let leader: ClusterClient;
const redisUrl = inject('redisUrl');
const redis = createRedisConnection(redisUrl, { role: 'client' });
const GC_KEY = 'GSLBConfig/avi-system/gc-1';
const SUCCESS = [
  { type: ConditionType.AMKOClusterValidation, status: ConditionStatus.ValidAMKOCluster },
  { type: ConditionType.MemberInitialisation, status: ConditionStatus.AllClientsFetched },
  { type: ConditionType.MemberValidation, status: ConditionStatus.ValidatedAllMembers },
  { type: ConditionType.GSLBConfigFederation, status: ConditionStatus.FederatedToAll },
  { type: ConditionType.GDPFederation, status: ConditionStatus.FederatedToAll },
];
const gc: KubeObject = {
  apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBConfig', metadata: { name: 'gc-1', namespace: 'avi-system' },
  spec: { gslbLeader: { credentials: 'gslb-avi-secret', controllerVersion: '22.1.3', controllerIP: '10.10.10.1' }, memberClusters: [{ clusterContext: 'cluster1' }, { clusterContext: 'cluster2' }] },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amko-fed-status-'));
  clusters = await startEmulatedClusters(['cluster1', 'cluster2']);
  const text = kubeconfigYaml(clusters, { currentContext: 'cluster1' });
  kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(kubeconfigFile, text);
  leader = createClusterClient({ context: 'cluster1', kubeConfig: kubeConfigForContext(text, 'cluster1') });
  await leader.create(AMKO_CLUSTER_KIND, 'avi-system', {
    apiVersion: 'amko.vmware.com/v1alpha1', kind: 'AMKOCluster', metadata: { name: 'amkocluster-federation', namespace: 'avi-system' },
    spec: { isLeader: true, clusterContext: 'cluster1', version: '1.12.1', clusters: ['cluster1', 'cluster2'] },
  });
  await leader.create(FEDERATED_KINDS.GSLBConfig, 'avi-system', gc);
});

afterAll(async () => {
  redis.disconnect();
  await Promise.all(clusters.map((c) => c.close()));
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { KUBECONFIG: kubeconfigFile, HOME: dir }, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A federation under its own prefix: gc-1 at leader change #seq, cluster2 valid, cluster3 invalid. */
async function federation() {
  const prefix = isolatedPrefix('status');
  const seq = await createFederationLog({ redis, prefix }).appendEvent({ op: 'upsert', objectKey: GC_KEY, kind: 'GSLBConfig', resourceVersion: '5', contentHash: 'h', object: gc, source: 'watch' });
  await createMemberRegistry({ redis, prefix }).publishMembers({
    leader: 'cluster1',
    members: [{ cluster: 'cluster2', state: 'valid' }, { cluster: 'cluster3', state: 'invalid', reason: 'error in getting AMKOCluster list for cluster cluster3: Unauthorized' }],
  });
  const results = createResultsStore({ redis, prefix });
  // cluster3 once applied it: its old result must not show as "in sync"
  await results.recordResult({ cluster: 'cluster3', objectKey: GC_KEY, outcome: 'updated', seq, attempts: 1, at: '2026-11-22T09:00:00.000Z' });
  const status = (extra: string[] = []) => run(['--context', 'cluster1', 'status', '--redis-url', redisUrl, '--key-prefix', prefix, ...extra]);
  return { prefix, seq, results, status };
}

const setConditions = (conditions: readonly object[]) => leader.patchStatus(AMKO_CLUSTER_KIND, 'avi-system', 'amkocluster-federation', { conditions });

describe('amko-fed status', () => {
  describe('when a valid follower has not applied the latest leader change', () => {
    it('exits 3 (pending), names what is pending, and shows the invalid follower as unknown with its reason', async () => {
      await setConditions(SUCCESS);
      const { status } = await federation();
      const got = await status();
      expect(got.code).toBe(3);
      expect(got.out).toMatch(/cluster2\s+valid\s+GSLBConfig\/avi-system\/gc-1\s+pending/);
      expect(got.out).toMatch(/cluster3\s+invalid\s+GSLBConfig\/avi-system\/gc-1\s+unknown\s+2026-11-22T09:00:00.000Z\s+member invalid: error in getting AMKOCluster list for cluster cluster3: Unauthorized/);
      expect(got.out).toContain('Not in sync: pending (exit 3):');
      expect(got.out).toContain('  cluster2 GSLBConfig/avi-system/gc-1: pending: not applied yet');
    });
  });

  describe('when every valid follower is in sync and every condition is success', () => {
    it('exits 0, and --json carries the verdict', async () => {
      await setConditions(SUCCESS);
      const { status, results, seq } = await federation();
      await results.recordResult({ cluster: 'cluster2', objectKey: GC_KEY, outcome: 'updated', seq, attempts: 1, at: '2026-11-22T10:00:00.000Z' });
      const got = await status();
      expect({ code: got.code, err: got.err }).toEqual({ code: 0, err: '' });
      expect(got.out).toContain('All followers are in sync.');
      const json = await status(['--json']);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.out)).toMatchObject({ verdict: 'in sync', exitCode: 0, problems: [] });
    });
  });

  describe('when an object failed on a valid follower', () => {
    it('exits 4 with the failure', async () => {
      await setConditions(SUCCESS);
      const { status, results, seq } = await federation();
      await results.recordResult({ cluster: 'cluster2', objectKey: GC_KEY, outcome: 'failed', seq, attempts: 1, at: '2026-11-22T10:00:00.000Z', errorMessage: 'GSLBConfig.amko.vmware.com "gc-1" is invalid' });
      const got = await status();
      expect(got.code).toBe(4);
      expect(got.out).toContain('Not in sync: failed (exit 4):');
      expect(got.out).toContain('cluster2 GSLBConfig/avi-system/gc-1: failed: GSLBConfig.amko.vmware.com "gc-1" is invalid');
    });
  });

  describe('when a condition is not AMKO\'s success string', () => {
    it('exits 4 naming the condition', async () => {
      await setConditions(SUCCESS.map((c) => (c.type === ConditionType.MemberValidation ? { ...c, status: ConditionStatus.SomeMembersInvalid, reason: 'version mismatch' } : c)));
      const { status, results, seq } = await federation();
      await results.recordResult({ cluster: 'cluster2', objectKey: GC_KEY, outcome: 'updated', seq, attempts: 1, at: '2026-11-22T10:00:00.000Z' });
      const got = await status();
      expect(got.code).toBe(4);
      expect(got.out).toContain('  member cluster validation: error in validating some member clusters (version mismatch)');
    });
  });

  describe('with --wait', () => {
    it('returns 0 once the follower catches up', async () => {
      await setConditions(SUCCESS);
      const { status, results, seq } = await federation();
      const waiting = status(['--wait', '--timeout', '5m']);
      await results.recordResult({ cluster: 'cluster2', objectKey: GC_KEY, outcome: 'updated', seq, attempts: 1, at: '2026-11-22T10:00:00.000Z' });
      const got = await waiting;
      expect(got.code).toBe(0);
      expect(got.out).toContain('All followers are in sync.');
    });

    it('gives up after --timeout with the pending exit code', async () => {
      await setConditions(SUCCESS);
      const { status } = await federation();
      const got = await status(['--wait', '--timeout', '1s']);
      expect(got.code).toBe(3);
      expect(got.out).toContain('Not in sync: pending (exit 3) after waiting 1 s:');
    });
  });

  describe('with bad input', () => {
    it('exits 2 on an unknown --context, naming the known ones', async () => {
      const { prefix } = await federation();
      const got = await run(['--context', 'cluster9', 'status', '--redis-url', redisUrl, '--key-prefix', prefix]);
      expect(got).toEqual({ code: 2, out: '', err: 'error: context "cluster9" does not exist in the kubeconfig; known contexts: cluster1, cluster2' });
    });

    it('exits 2 on a key prefix without a federation while this Redis holds others, naming them', async () => {
      const { prefix } = await federation();
      const got = await run(['--context', 'cluster1', 'status', '--redis-url', redisUrl, '--key-prefix', '{amko-fed-typo}']);
      expect(got.code).toBe(2);
      expect(got.err).toMatch(/^error: no federation under key prefix \{amko-fed-typo\}; this Redis holds federations under .*: pass --key-prefix \(or KEY_PREFIX\) with the watcher's KEY_PREFIX$/);
      expect(got.err).toContain(prefix);
    });

    it('exits 2 on a --timeout that is not a duration', async () => {
      const got = await run(['--context', 'cluster1', 'status', '--redis-url', redisUrl, '--wait', '--timeout', 'soon']);
      expect(got).toEqual({ code: 2, out: '', err: 'error: --timeout "soon" is not a duration such as 30s, 5m or 1h' });
    });
  });

  describe('when the Redis holds no federation at all', () => {
    it('says so with the likely cause and exits 3 (pending)', async () => {
      const empty = await startTestRedis();
      try {
        const got = await run(['--context', 'cluster1', 'status', '--redis-url', empty.url, '--key-prefix', '{amko-fed}']);
        expect(got.code).toBe(3);
        expect(got.err).toBe("warning: no federation under key prefix {amko-fed} and none in this Redis: is the leader's watcher running with this REDIS_URL (and KEY_PREFIX), and has it become leader?");
        expect(got.out).toContain('no watcher has published the federation members yet');
      } finally {
        await empty.dispose();
      }
    });
  });

  describe('when Redis is unreachable', () => {
    it('prints one error line and exits 1 (the binary, no ioredis trace)', async () => {
      const port = await freePort();
      const result = spawnSync(process.execPath, [join(import.meta.dirname, 'cli.ts'), '--kubeconfig', kubeconfigFile, '--context', 'cluster1', 'status', '--redis-url', `redis://:secret@127.0.0.1:${port}`], { encoding: 'utf8' });
      expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
        status: 1, stdout: '', stderr: `error: cannot connect to Redis at redis://:***@127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
      });
    });
  });
});

describe('amko-fed --version', () => {
  it('prints the package version and exits 0', () => {
    const result = spawnSync(process.execPath, [join(import.meta.dirname, 'cli.ts'), '--version'], { encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: '0.1.0\n' });
  });
});
