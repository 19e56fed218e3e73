/**
 * The seed's disaster drill on the sandbox: the leader's site (cluster1) is lost → promote cluster2
 * with amko-fed → an edit on cluster2 reaches cluster3 → cluster1 comes back still marked leader →
 * the dual leader is reported and nothing is written into cluster1 → demote cluster1 → cluster1
 * receives cluster2's state.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amkoPath, REPO_ROOT } from '@amko-fed/testing';
import { startSandbox, type Sandbox } from './sandbox.ts';

let sandbox: Sandbox;
let workDir = '';

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'amko-fed-drill-'));
  sandbox = await startSandbox({ workDir: join(workDir, 'sandbox'), logFormat: 'json', logLevel: 'debug', env: { MEMBER_CHECK_INTERVAL: '1s', RESYNC_INTERVAL: '5s' } });
}, 90_000);

afterAll(async () => {
  await sandbox?.stop();
  await rm(workDir, { recursive: true, force: true });
});

const gdpPath = (name = 'global-gdp') => amkoPath('v1alpha2', 'globaldeploymentpolicies', 'avi-system', name);
const gcPath = (name = 'gc-1') => amkoPath('v1alpha1', 'gslbconfigs', 'avi-system', name);
const amkoClusterPath = amkoPath('v1alpha1', 'amkoclusters', 'avi-system', 'amkocluster-federation');

/** Runs the CLI as a process, asynchronously: the emulated clusters live in this test process. */
function amkoFed(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'apps', 'cli', 'src', 'cli.ts'), '--kubeconfig', sandbox.kubeconfigFile, ...args], {
      encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: workDir },
    }, (err, stdout, stderr) => resolve({ status: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }));
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const specOf = async (cluster: string, path: string) => (await sandbox.kube(cluster).get(path))?.['spec'] as Record<string, unknown> | undefined;
const conditionsOf = async (cluster: string) =>
  (((await sandbox.kube(cluster).get(amkoClusterPath))?.['status'] as { conditions?: { type: string; status: string; reason?: string }[] } | undefined)?.conditions ?? []);

describe('disaster drill on the sandbox', () => {
  it('promotes a follower, fences the returning old leader, and re-federates it once demoted', { timeout: 180_000 }, async () => {
    await until('the sample objects on cluster3', async () => ((await specOf('cluster3', gdpPath()))?.['ttl'] === 30 ? true : undefined));

    // the leader's site is lost
    await sandbox.site('cluster1').stop();

    const promoted = await amkoFed(['--context', 'cluster2', 'promote', '--controller-ip', '10.20.0.5']);
    expect(promoted.stderr).toMatch(/warning: cluster cluster1 is unreachable/);
    expect(promoted.stdout).toContain('Promoted cluster2.');
    expect(promoted.status).toBe(0);

    // an edit on the new leader reaches cluster3
    await sandbox.kube('cluster2').mergePatch(gdpPath(), { spec: { ttl: 60 } });
    await until('cluster2\'s edit on cluster3', async () => ((await specOf('cluster3', gdpPath()))?.['ttl'] === 60 ? true : undefined));
    expect((await specOf('cluster3', gcPath()))?.['gslbLeader']).toMatchObject({ controllerIP: '10.20.0.5' });
    const cluster2Conditions = await until('cluster2 to report cluster1 unreachable', async () => {
      const conditions = await conditionsOf('cluster2');
      return conditions.find((c) => c.type === 'member cluster validation' && c.status === 'error in validating some member clusters') ? conditions : undefined;
    });
    expect(cluster2Conditions.find((c) => c.type === 'member cluster validation')?.reason).toContain('error in getting AMKOCluster list for cluster cluster1');

    // cluster1 comes back, still marked leader
    const cluster1 = sandbox.site('cluster1').cluster;
    cluster1.requestLog.clear();
    await sandbox.site('cluster1').restore();
    const dual = await until('the dual leader to be reported on cluster2', async () => {
      const conditions = await conditionsOf('cluster2');
      return conditions.find((c) => c.reason === 'AMKO in cluster cluster1 is also a leader, conflicting state') ? conditions : undefined;
    });
    expect(dual.find((c) => c.type === 'member cluster validation')).toEqual({ type: 'member cluster validation', status: 'member cluster clients invalid', reason: 'AMKO in cluster cluster1 is also a leader, conflicting state' });
    // give both sides a few member checks and resyncs to (wrongly) write, then look
    await new Promise((r) => setTimeout(r, 3_000));
    const federatedWrites = cluster1.requestLog.writes().filter((e) => e.resource === 'gslbconfigs' || e.resource === 'globaldeploymentpolicies');
    expect(federatedWrites).toEqual([]);
    expect((await specOf('cluster1', gdpPath()))?.['ttl']).toBe(30);

    // the old leader is demoted, and then receives the new leader's state
    const demoted = await amkoFed(['--context', 'cluster1', 'demote']);
    expect(demoted.stdout).toContain('Demoted cluster1.');
    await until('cluster2\'s state on cluster1', async () => ((await specOf('cluster1', gdpPath()))?.['ttl'] === 60 ? true : undefined), 40_000);
    expect((await specOf('cluster1', gcPath()))?.['gslbLeader']).toMatchObject({ controllerIP: '10.20.0.5' });
    await until('cluster1 to report that it is not the leader', async () => {
      const conditions = await conditionsOf('cluster1');
      return conditions.length === 1 && conditions[0]?.status === "won't federate objects" ? true : undefined;
    });
    await until('cluster2 to report success again', async () => {
      const conditions = await conditionsOf('cluster2');
      return conditions.find((c) => c.type === 'GDP Federation')?.status === 'federated to all valid clusters successfully'
        && conditions.find((c) => c.type === 'member cluster validation')?.status === 'validated all member clusters' ? true : undefined;
    }, 40_000);
  });
});
