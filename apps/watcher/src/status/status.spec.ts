/**
 * The status module over the in-memory ClusterClient: given its inputs (role, members, federation),
 * when a write is due, then the AMKOCluster shows AMKO's conditions — written once per change,
 * skipped when the object already shows them, retried after a failed write.
 */
import { AMKO_CLUSTER_KIND, ConditionStatus, ConditionType, NOT_A_LEADER_REASON, UnavailableError, type KubeObject } from '@amko-fed/domain';
import { createLogger } from '@amko-fed/service';
import { createInMemoryCluster } from '@amko-fed/kube/testing';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Role } from '../role/decide-role.ts';
import { createStatus } from './status.ts';

const target = { namespace: 'avi-system', name: 'amkocluster-federation' };
const follower = { role: Role.Follower, target, clusterContext: 'cluster2', clusters: ['cluster1', 'cluster2'] } as const;
const NOT_LEADER = [{ type: ConditionType.AMKOClusterValidation, status: ConditionStatus.WontFederate, reason: NOT_A_LEADER_REASON }];
const quiet = createLogger({ name: 'status-spec', level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

async function withAmkoCluster() {
  const cluster = createInMemoryCluster({ context: 'cluster2' });
  const body = { apiVersion: 'amko.vmware.com/v1alpha1', kind: 'AMKOCluster', metadata: { name: target.name, namespace: target.namespace }, spec: { isLeader: false } } as KubeObject;
  await cluster.client.create(AMKO_CLUSTER_KIND, target.namespace, body);
  const status = createStatus({ client: cluster.client, debounceMs: 60_000, logger: quiet });
  const conditions = async () => ((await cluster.client.get(AMKO_CLUSTER_KIND, target.namespace, target.name)) as { status?: { conditions?: unknown } } | undefined)?.status?.conditions;
  const statusWrites = () => cluster.writes.filter((w) => w.startsWith('patchStatus')).length;
  return { cluster, status, conditions, statusWrites };
}

describe('status', () => {
  describe('when the role is not yet decided', () => {
    it('writes nothing', async () => {
      const { status, statusWrites } = await withAmkoCluster();
      status.setMembers(undefined);
      await status.flush();
      expect(statusWrites()).toBe(0);
    });
  });

  describe('when this cluster is a follower', () => {
    it('writes AMKO\'s not-a-leader condition once, and not again while it already shows', async () => {
      const { status, conditions, statusWrites } = await withAmkoCluster();
      status.setRole(follower);
      await status.flush();
      expect(await conditions()).toEqual(NOT_LEADER);
      status.setRole(follower);
      await status.flush();
      expect(statusWrites()).toBe(1);
    });
  });

  describe('when someone else changed the conditions', () => {
    it('writes them back on the next write', async () => {
      const { cluster, status, conditions, statusWrites } = await withAmkoCluster();
      status.setRole(follower);
      await status.flush();
      await cluster.client.patchStatus(AMKO_CLUSTER_KIND, target.namespace, target.name, { conditions: [] });
      status.observe(target, []);
      await status.flush();
      expect(await conditions()).toEqual(NOT_LEADER);
      expect(statusWrites()).toBe(3);
    });
  });

  describe('when the write fails', () => {
    it('keeps the plan and writes it once the API server answers', async () => {
      const { cluster, status, conditions } = await withAmkoCluster();
      cluster.fail((verb) => (verb === 'patchStatus' ? new UnavailableError('patch AMKOCluster status: connection refused') : undefined));
      status.setRole(follower);
      await status.flush();
      expect(await conditions()).toBeUndefined();
      cluster.fail(undefined);
      status.schedule();
      await status.flush();
      expect(await conditions()).toEqual(NOT_LEADER);
      await status.stop();
    });
  });
});
