/**
 * applyObject over the in-memory ClusterClient (`@amko-fed/kube/testing`, checked against the real
 * client by the shared contract suite): given a follower's state, when the leader's state is
 * applied, then the follower holds it — create, update, no-op, delete, re-plan after a conflict.
 */
import { ConflictError, FEDERATED_KINDS, FencedLeaderError, LEADER_EPOCH_ANNOTATION, SchemaRejectedError, type DesiredState, type KubeObject } from '@amko-fed/domain';
import { stampFenceToken } from '@amko-fed/kube';
import { createInMemoryCluster, type ClientVerb } from '@amko-fed/kube/testing';
import { describe, expect, it } from 'vitest';
import { ApplyOutcome, applyObject, MAX_REPLANS } from './apply-object.ts';
import { createWrittenCopies, type RememberedCopy } from './written-copies.ts';

const GDP = FEDERATED_KINDS.GlobalDeploymentPolicy;
const NS = 'avi-system';
const ref = { kind: 'GlobalDeploymentPolicy' as const, namespace: NS, name: 'global-gdp' };

function leaderGdp(ttl: number): DesiredState {
  const object = { apiVersion: 'amko.vmware.com/v1alpha2', kind: 'GlobalDeploymentPolicy', metadata: { name: 'global-gdp', namespace: NS, resourceVersion: '7' }, spec: { matchClusters: [{ cluster: 'c1' }], ttl } } as KubeObject;
  return { state: 'present', object, resourceVersion: '7' };
}
const ttlOn = async (cluster: ReturnType<typeof createInMemoryCluster>): Promise<unknown> => ((await cluster.client.get(GDP, NS, 'global-gdp')) as { spec?: { ttl?: unknown } } | undefined)?.spec?.ttl;
const apply = (cluster: ReturnType<typeof createInMemoryCluster>, desired: DesiredState, written?: RememberedCopy, epoch?: number) =>
  applyObject({ client: cluster.client, kindInfo: GDP, ref, desired, sourceCluster: 'c1', written, epoch });
/** Records the follower's calls of the GDP (verbs), failing none. */
function callsTo(cluster: ReturnType<typeof createInMemoryCluster>): ClientVerb[] {
  const calls: ClientVerb[] = [];
  cluster.fail((verb, kind) => {
    if (kind === GDP.kind) calls.push(verb);
    return undefined;
  });
  return calls;
}
/** Changes the follower's copy behind the replicator's back (a person with kubectl). */
async function editOnFollower(cluster: ReturnType<typeof createInMemoryCluster>, change: (copy: KubeObject) => KubeObject): Promise<void> {
  const copy = (await cluster.client.get(GDP, NS, 'global-gdp')) as KubeObject;
  await cluster.client.replace(GDP, NS, 'global-gdp', change(copy));
}
const withTtl = (copy: KubeObject, ttl: number): KubeObject => ({ ...copy, spec: { ...(copy['spec'] as object), ttl } }) as KubeObject;

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

  describe('when it remembers the copy it wrote (written copies)', () => {
    it('writes the next change on the remembered copy without reading it first', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      const slot = createWrittenCopies().slot('c2', 'gdp');
      await apply(follower, leaderGdp(10), slot);
      const calls = callsTo(follower);
      expect((await apply(follower, leaderGdp(11), slot)).outcome).toBe(ApplyOutcome.updated);
      expect((await apply(follower, leaderGdp(12), slot)).outcome).toBe(ApplyOutcome.updated);
      expect(calls).toEqual(['replace', 'replace']);
      expect(await ttlOn(follower)).toBe(12);
    });

    it('reads and plans again when the copy was changed on the follower since (the remembered write is refused)', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      const slot = createWrittenCopies().slot('c2', 'gdp');
      await apply(follower, leaderGdp(10), slot);
      await editOnFollower(follower, (copy) => withTtl({ ...copy, metadata: { ...copy.metadata, labels: { team: 'dns' } } }, 99));
      const calls = callsTo(follower);
      expect(await apply(follower, leaderGdp(11), slot)).toMatchObject({ outcome: ApplyOutcome.updated, replans: 0 });
      expect(calls).toEqual(['replace', 'get', 'replace']);
      const copy = await follower.client.get(GDP, NS, 'global-gdp');
      expect(await ttlOn(follower)).toBe(11);
      expect(copy?.metadata.labels).toEqual({ team: 'dns' });
    });

    it('creates the copy again when it was deleted on the follower since', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      const slot = createWrittenCopies().slot('c2', 'gdp');
      await apply(follower, leaderGdp(10), slot);
      await follower.client.delete(GDP, NS, 'global-gdp');
      expect((await apply(follower, leaderGdp(11), slot)).outcome).toBe(ApplyOutcome.created);
      expect(await ttlOn(follower)).toBe(11);
    });

    it('decides "up to date" only on a fresh read, so drift on the follower is corrected', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      const slot = createWrittenCopies().slot('c2', 'gdp');
      await apply(follower, leaderGdp(10), slot);
      await editOnFollower(follower, (copy) => withTtl(copy, 99));
      const calls = callsTo(follower);
      expect((await apply(follower, leaderGdp(10), slot)).outcome).toBe(ApplyOutcome.updated);
      expect(calls).toEqual(['get', 'replace']);
      expect(await ttlOn(follower)).toBe(10);
      expect((await apply(follower, leaderGdp(10), slot)).outcome).toBe(ApplyOutcome.noop);
    });

    it('refuses the write when a later leadership re-stamped the copy since', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      const slot = createWrittenCopies().slot('c2', 'gdp');
      await stampFenceToken(follower.client, { leader: 'c1', epoch: 3 });
      await apply(follower, leaderGdp(10), slot, 3);
      await editOnFollower(follower, (copy) => ({ ...copy, metadata: { ...copy.metadata, annotations: { ...copy.metadata.annotations, [LEADER_EPOCH_ANNOTATION]: '4' } } }));
      await expect(apply(follower, leaderGdp(11), slot, 3)).rejects.toBeInstanceOf(FencedLeaderError);
      expect(await ttlOn(follower)).toBe(10);
      expect(slot.recall()).toBeUndefined();
    });

    it('does not count the refused remembered write against MAX_REPLANS', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      const slot = createWrittenCopies().slot('c2', 'gdp');
      await apply(follower, leaderGdp(10), slot);
      let replaces = 0;
      follower.fail((verb) => (verb === 'replace' ? ((replaces += 1), new ConflictError('replace: the object has been modified')) : undefined));
      await expect(apply(follower, leaderGdp(12), slot)).rejects.toBeInstanceOf(ConflictError);
      expect(replaces).toBe(MAX_REPLANS + 2);
      expect(slot.recall()).toBeUndefined();
    });

    it('reports to the memory whether each remembered write landed', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      const copies = createWrittenCopies({ window: 4, refusalsToPause: 2, pauseMs: 60_000 });
      const slot = copies.slot('c2', 'gdp');
      await apply(follower, leaderGdp(10), slot);
      await apply(follower, leaderGdp(11), slot);
      await editOnFollower(follower, (copy) => withTtl(copy, 99));
      await apply(follower, leaderGdp(12), slot);
      expect(slot.recall()).toBeDefined();
      await editOnFollower(follower, (copy) => withTtl(copy, 98));
      await apply(follower, leaderGdp(13), slot);
      expect(slot.recall()).toBeUndefined();
      const calls = callsTo(follower);
      expect((await apply(follower, leaderGdp(14), slot)).outcome).toBe(ApplyOutcome.updated);
      expect(calls).toEqual(['get', 'replace']);
    });

    it('reads and plans again when the follower rejects the remembered write (422), and reports a rejection the fresh plan gets too', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      const slot = createWrittenCopies().slot('c2', 'gdp');
      await apply(follower, leaderGdp(10), slot);
      let rejections = 1;
      follower.fail((verb) => (verb === 'replace' && rejections-- > 0 ? new SchemaRejectedError('replace: metadata.uid: field is immutable', { status: 422 }) : undefined));
      expect(await apply(follower, leaderGdp(11), slot)).toMatchObject({ outcome: ApplyOutcome.updated, replans: 0 });
      expect(await ttlOn(follower)).toBe(11);
      follower.fail((verb) => (verb === 'replace' ? new SchemaRejectedError('replace: spec.ttl: Invalid value', { status: 422 }) : undefined));
      await expect(apply(follower, leaderGdp(12), slot)).rejects.toBeInstanceOf(SchemaRejectedError);
      await expect(apply(follower, leaderGdp(12))).rejects.toBeInstanceOf(SchemaRejectedError);
      expect(await ttlOn(follower)).toBe(11);
    });

    it('forgets the copy it deleted', async () => {
      const follower = createInMemoryCluster({ context: 'c2' });
      const slot = createWrittenCopies().slot('c2', 'gdp');
      await apply(follower, leaderGdp(10), slot);
      expect((await apply(follower, { state: 'absent' }, slot)).outcome).toBe(ApplyOutcome.deleted);
      expect(slot.recall()).toBeUndefined();
    });
  });
});
