import { ConflictError, FENCE_EPOCH_ANNOTATION, ForbiddenError, FENCE_LEASE_KIND, FENCE_LEASE_NAME, type KubeObject } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { readFenceToken, stampFenceToken } from './fence-token.ts';
import { createInMemoryCluster } from './testing/index.ts';

const NOW = () => new Date('2026-12-06T04:00:00.000Z');
const B2 = { leader: 'cluster2', epoch: 2 };

async function tokenObject(cluster: ReturnType<typeof createInMemoryCluster>): Promise<KubeObject | undefined> {
  return cluster.client.get(FENCE_LEASE_KIND, 'avi-system', FENCE_LEASE_NAME);
}

describe('stampFenceToken', () => {
  describe('when the follower has no token', () => {
    it('creates it naming the leader and its epoch', async () => {
      const follower = createInMemoryCluster({ context: 'cluster3' });
      expect(await stampFenceToken(follower.client, B2, NOW)).toEqual({ verdict: 'stamped', previous: undefined });
      expect(await readFenceToken(follower.client)).toEqual(B2);
      const lease = await tokenObject(follower);
      expect(lease?.metadata.annotations?.[FENCE_EPOCH_ANNOTATION]).toBe('2');
      expect(lease?.['spec']).toMatchObject({ holderIdentity: 'cluster2', renewTime: '2026-12-06T04:00:00.000000Z' });
    });
  });

  describe('when the token names an earlier leadership', () => {
    it('replaces it at the resourceVersion it read, keeping what else the Lease holds', async () => {
      const follower = createInMemoryCluster({ context: 'cluster3' });
      await stampFenceToken(follower.client, { leader: 'cluster1', epoch: 1 }, NOW);
      const outcome = await stampFenceToken(follower.client, B2, NOW);
      expect(outcome).toEqual({ verdict: 'stamped', previous: { leader: 'cluster1', epoch: 1 } });
      expect(await readFenceToken(follower.client)).toEqual(B2);
      expect(follower.writes.filter((w) => w.includes('Lease'))).toEqual([
        'create Lease avi-system/amko-federation-fence',
        'replace Lease avi-system/amko-federation-fence',
      ]);
    });
  });

  describe('when the token already names this leadership', () => {
    it('writes nothing', async () => {
      const follower = createInMemoryCluster({ context: 'cluster3' });
      await stampFenceToken(follower.client, B2, NOW);
      const before = follower.writes.length;
      expect(await stampFenceToken(follower.client, B2, NOW)).toEqual({ verdict: 'held', previous: B2 });
      expect(follower.writes.length).toBe(before);
    });
  });

  describe('when the token names a later leadership, or another leader at the same epoch', () => {
    it.each([
      ['a later epoch', { leader: 'cluster1', epoch: 3 }],
      ['the same epoch, another leader', { leader: 'cluster4', epoch: 2 }],
    ])('is fenced by %s and writes nothing', async (_, holder) => {
      const follower = createInMemoryCluster({ context: 'cluster3' });
      await stampFenceToken(follower.client, holder, NOW);
      const before = follower.writes.length;
      expect(await stampFenceToken(follower.client, B2, NOW)).toEqual({ verdict: 'fenced', by: holder });
      expect(follower.writes.length).toBe(before);
      expect(await readFenceToken(follower.client)).toEqual(holder);
    });
  });

  describe('when two leaders at the same epoch stamp at the same moment', () => {
    it('lets exactly one of them hold the token; the other is fenced by it', async () => {
      for (let round = 0; round < 20; round += 1) {
        const follower = createInMemoryCluster({ context: 'cluster3' });
        const [first, second] = await Promise.all([
          stampFenceToken(follower.client, { leader: 'cluster1', epoch: 5 }, NOW),
          stampFenceToken(follower.client, { leader: 'cluster2', epoch: 5 }, NOW),
        ]);
        const winners = [first, second].filter((o) => o.verdict === 'stamped');
        expect(winners).toHaveLength(1);
        const holder = await readFenceToken(follower.client);
        const loser = first.verdict === 'stamped' ? second : first;
        expect(loser).toEqual({ verdict: 'fenced', by: holder });
      }
    });
  });

  describe('when the follower cannot be written', () => {
    it('throws the request error (the leader skips that follower)', async () => {
      const follower = createInMemoryCluster({ context: 'cluster3' });
      follower.fail((verb) => (verb === 'create' ? new ForbiddenError('create Lease avi-system/amko-federation-fence on cluster3: forbidden') : undefined));
      await expect(stampFenceToken(follower.client, B2, NOW)).rejects.toThrow(ForbiddenError);
    });
  });

  describe('when every compare-and-set loses', () => {
    it('gives up with the conflict after a few rounds (retried at the next member check)', async () => {
      const follower = createInMemoryCluster({ context: 'cluster3' });
      follower.fail((verb) => (verb === 'create' ? new ConflictError('leases "amko-federation-fence" already exists') : undefined));
      await expect(stampFenceToken(follower.client, B2, NOW)).rejects.toThrow(ConflictError);
    });
  });
});
