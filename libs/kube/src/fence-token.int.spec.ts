/**
 * The fencing token's compare-and-set against an emulated API server: two leaders stamp one
 * follower at the same moment, each with its own credentials, many times over. Exactly one stamp
 * lands every time (the request log shows one successful write per race), the other learns that it
 * is fenced by the winner, and the token names the winner.
 */
import { FENCE_LEASE_KIND, FENCE_LEASE_NAME, FENCE_LEASE_NAMESPACE, FenceVerdict, type LeaderTerm } from '@amko-fed/domain';
import { kubeconfigEntryOf, kubeconfigYaml, startEmulatedCluster, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clusterClientForContext, type ClusterClient } from './cluster-client.ts';
import { readFenceToken, stampFenceToken, type StampOutcome } from './fence-token.ts';

const ROUNDS = 25;
let cluster: EmulatedCluster;
let clients: Record<'site-a' | 'site-b', ClusterClient>;

beforeAll(async () => {
  const token = (site: string) => `fence-${site}-${process.pid}`;
  cluster = await startEmulatedCluster({
    name: 'follower',
    tokens: [`fence-admin-${process.pid}`, { token: token('site-a'), user: 'site-a' }, { token: token('site-b'), user: 'site-b' }],
  });
  // One context per site, both reaching the same follower, each with the site's own token.
  const kubeconfig = kubeconfigYaml(['site-a', 'site-b'].map((site) => ({
    kubeconfigEntry: kubeconfigEntryOf({ name: site, url: cluster.url, token: token(site), caPem: cluster.caPem }),
  })));
  clients = { 'site-a': clusterClientForContext(kubeconfig, 'site-a'), 'site-b': clusterClientForContext(kubeconfig, 'site-b') };
});

afterAll(async () => {
  await cluster?.close();
});

beforeEach(async () => {
  const existing = await clients['site-a'].get(FENCE_LEASE_KIND, FENCE_LEASE_NAMESPACE, FENCE_LEASE_NAME);
  if (existing !== undefined) await clients['site-a'].delete(FENCE_LEASE_KIND, FENCE_LEASE_NAMESPACE, FENCE_LEASE_NAME);
  cluster.requestLog.clear();
});

/** Successful writes of the token since `since` (an index into the request log), with who wrote. */
function landedStamps(since: number): string[] {
  return cluster.requestLog
    .writes({ resource: 'leases', namespace: FENCE_LEASE_NAMESPACE })
    .slice(since)
    .filter((e) => e.status >= 200 && e.status < 300)
    .map((e) => `${e.user ?? '?'} ${e.verb ?? e.method}`);
}

/** Both sites stamp at once; returns the two outcomes (site-a's first) and who the token names after. */
async function race(a: LeaderTerm, b: LeaderTerm): Promise<{ outcomes: [StampOutcome, StampOutcome]; holder: LeaderTerm | undefined; landed: string[] }> {
  const before = cluster.requestLog.writes({ resource: 'leases', namespace: FENCE_LEASE_NAMESPACE }).length;
  const outcomes = await Promise.all([stampFenceToken(clients['site-a'], a), stampFenceToken(clients['site-b'], b)]);
  return { outcomes, holder: await readFenceToken(clients['site-a']), landed: landedStamps(before) };
}

describe('stampFenceToken', () => {
  describe('when two leaders stamp one follower at the same epoch at the same moment', () => {
    it(`lets exactly one of them win, every time (${ROUNDS} races, the first creating the token)`, async () => {
      const winners: string[] = [];
      for (let epoch = 1; epoch <= ROUNDS; epoch += 1) {
        const a = { leader: 'site-a', epoch };
        const b = { leader: 'site-b', epoch };
        const { outcomes, holder, landed } = await race(a, b);
        const stamped = outcomes.filter((o) => o.verdict === 'stamped');
        expect(stamped, `race ${epoch}: ${JSON.stringify(outcomes)}`).toHaveLength(1);
        const winner = outcomes[0].verdict === 'stamped' ? a : b;
        const loser = outcomes[0].verdict === 'stamped' ? outcomes[1] : outcomes[0];
        expect(loser, `race ${epoch}`).toEqual({ verdict: FenceVerdict.Fenced, by: winner });
        expect(holder, `race ${epoch}`).toEqual(winner);
        // one successful write per race: a blind (unconditional) write would make it two
        expect(landed, `race ${epoch}`).toEqual([`${winner.leader} ${epoch === 1 ? 'create' : 'update'}`]);
        winners.push(winner.leader);
      }
      // both were really racing: a loser tried a write of its own and was refused (409), at least once
      const refused = cluster.requestLog.writes({ resource: 'leases' }).filter((e) => e.status === 409);
      expect(refused.length, `winners: ${winners.join(',')}`).toBeGreaterThan(0);
    });
  });

  describe('when two leaders stamp one follower at different epochs at the same moment', () => {
    it(`leaves the later leadership holding the token, every time (${ROUNDS} races)`, async () => {
      for (let round = 1; round <= ROUNDS; round += 1) {
        const lower = { leader: round % 2 === 0 ? 'site-a' : 'site-b', epoch: 2 * round };
        const higher = { leader: round % 2 === 0 ? 'site-b' : 'site-a', epoch: 2 * round + 1 };
        const [a, b] = lower.leader === 'site-a' ? [lower, higher] : [higher, lower];
        const { outcomes, holder } = await race(a, b);
        expect(holder, `round ${round}: ${JSON.stringify(outcomes)}`).toEqual(higher);
        const higherOutcome = outcomes[higher.leader === 'site-a' ? 0 : 1];
        const lowerOutcome = outcomes[lower.leader === 'site-a' ? 0 : 1];
        expect(higherOutcome.verdict, `round ${round}`).toBe('stamped');
        // the lower one either stamped first and was overwritten, or found the higher one and stopped
        expect(['stamped', FenceVerdict.Fenced], `round ${round}`).toContain(lowerOutcome.verdict);
        if (lowerOutcome.verdict === FenceVerdict.Fenced) expect(lowerOutcome.by).toEqual(higher);
      }
    });
  });

  describe('when the token already names a later leadership', () => {
    it('writes nothing and reports the later term', async () => {
      await stampFenceToken(clients['site-b'], { leader: 'site-b', epoch: 7 });
      const before = cluster.requestLog.writes({ resource: 'leases' }).length;
      expect(await stampFenceToken(clients['site-a'], { leader: 'site-a', epoch: 6 })).toEqual({ verdict: FenceVerdict.Fenced, by: { leader: 'site-b', epoch: 7 } });
      expect(await stampFenceToken(clients['site-a'], { leader: 'site-a', epoch: 7 })).toEqual({ verdict: FenceVerdict.Fenced, by: { leader: 'site-b', epoch: 7 } });
      expect(await stampFenceToken(clients['site-b'], { leader: 'site-b', epoch: 7 })).toEqual({ verdict: FenceVerdict.Held, previous: { leader: 'site-b', epoch: 7 } });
      expect(cluster.requestLog.writes({ resource: 'leases' }).slice(before)).toEqual([]);
    });
  });
});
