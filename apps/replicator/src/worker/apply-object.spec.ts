/**
 * applyObject over the in-memory ClusterClient (`@amko-fed/kube/testing`, checked against the real
 * client by the shared contract suite): given a follower's state, when the leader's state is
 * applied, then the follower holds it — create, update, no-op, delete, re-plan after a conflict.
 */
import { ConflictError, FEDERATED_KINDS, type DesiredState, type KubeObject } from '@amko-fed/domain';
import { createInMemoryCluster } from '@amko-fed/kube/testing';
import { describe, expect, it } from 'vitest';
import { ApplyOutcome, applyObject, MAX_REPLANS } from './apply-object.ts';

const GDP = FEDERATED_KINDS.GlobalDeploymentPolicy;
const NS = 'avi-system';
const ref = { kind: 'GlobalDeploymentPolicy' as const, namespace: NS, name: 'global-gdp' };

function leaderGdp(ttl: number): DesiredState {
  const object = { apiVersion: 'amko.vmware.com/v1alpha2', kind: 'GlobalDeploymentPolicy', metadata: { name: 'global-gdp', namespace: NS, resourceVersion: '7' }, spec: { matchClusters: [{ cluster: 'c1' }], ttl } } as KubeObject;
  return { state: 'present', object, resourceVersion: '7' };
}
const ttlOn = async (cluster: ReturnType<typeof createInMemoryCluster>): Promise<unknown> => ((await cluster.client.get(GDP, NS, 'global-gdp')) as { spec?: { ttl?: unknown } } | undefined)?.spec?.ttl;
const apply = (cluster: ReturnType<typeof createInMemoryCluster>, desired: DesiredState) => applyObject({ client: cluster.client, kindInfo: GDP, ref, desired, sourceCluster: 'c1' });

describe('applyObject', () => {
  describe('when the follower lacks the object', () => {
    it('creates it with the leader\'s spec and our provenance', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      expect(await apply(follower, leaderGdp(10))).toMatchObject({ outcome: ApplyOutcome.created, replans: 0 });
      const copy = await follower.client.get(GDP, NS, 'global-gdp');
      expect((copy as { spec?: { ttl?: unknown } }).spec?.ttl).toBe(10);
      expect(copy?.metadata.annotations?.['federation.amko-fed.io/source-cluster']).toBe('c1');
    });
  });

  describe('when the follower holds an older copy', () => {
    it('replaces it, and applying the same state again is a no-op without a write', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      await apply(follower, leaderGdp(10));
      expect((await apply(follower, leaderGdp(11))).outcome).toBe(ApplyOutcome.updated);
      expect(await ttlOn(follower)).toBe(11);
      expect((await apply(follower, leaderGdp(11))).outcome).toBe(ApplyOutcome.noop);
      expect(follower.writes).toEqual(['create GlobalDeploymentPolicy avi-system/global-gdp', 'replace GlobalDeploymentPolicy avi-system/global-gdp']);
    });
  });

  describe('when the leader deleted the object', () => {
    it('deletes the copy, and a second time is a no-op', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      await apply(follower, leaderGdp(10));
      expect((await apply(follower, { state: 'absent' })).outcome).toBe(ApplyOutcome.deleted);
      expect(await ttlOn(follower)).toBeUndefined();
      expect((await apply(follower, { state: 'absent' })).outcome).toBe(ApplyOutcome.noop);
    });
  });

  describe('when a write conflicts (someone changed the object meanwhile)', () => {
    it('re-reads and re-plans at once', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      await apply(follower, leaderGdp(10));
      let conflicts = 1;
      follower.fail((verb) => (verb === 'replace' && conflicts-- > 0 ? new ConflictError('replace: the object has been modified') : undefined));
      expect(await apply(follower, leaderGdp(12))).toMatchObject({ outcome: ApplyOutcome.updated, replans: 1 });
      expect(await ttlOn(follower)).toBe(12);
    });

    it('gives the conflict to the job retry after MAX_REPLANS re-plans', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      await apply(follower, leaderGdp(10));
      let replaces = 0;
      follower.fail((verb) => (verb === 'replace' ? ((replaces += 1), new ConflictError('replace: the object has been modified')) : undefined));
      await expect(apply(follower, leaderGdp(12))).rejects.toBeInstanceOf(ConflictError);
      expect(replaces).toBe(MAX_REPLANS + 1);
      expect(await ttlOn(follower)).toBe(10);
    });
  });
});
