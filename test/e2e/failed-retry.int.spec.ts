/**
 * A follower converges by itself once a fault is gone, without a new leader change: the replicator
 * gives up on an object (attempts spent, or a terminal 422), and the watcher enqueues that
 * (follower, object) again after FAILED_RETRY_BASE, doubling. The periodic resync is slow (5 min)
 * here, so only that retry can make the follower converge in time.
 */
import { isolatedPrefix, startFederation, type Federation } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { conditionOf, createBoth, eventually, GDP, pathOf, SOME_FAILED, specOn, SUCCESS } from './support.ts';

const FOLLOWERS = ['follower1', 'follower2'];
let federation: Federation;

beforeAll(async () => {
  federation = await startFederation({
    followers: FOLLOWERS,
    redisUrl: inject('redisUrl'),
    prefix: isolatedPrefix('retry'),
    watcher: { env: { RESYNC_INTERVAL: '5m', FAILED_RETRY_BASE: '1s', STATUS_DEBOUNCE: '100ms', MEMBER_CHECK_INTERVAL: '1s' } },
    replicator: { env: { RETRY_ATTEMPTS: '2', RETRY_BASE: '100ms', RETRY_CAP: '200ms' } },
  });
  await createBoth(federation, FOLLOWERS, 1, 10);
}, 60_000);

afterAll(() => federation?.stop());

async function ttlOn(cluster: string): Promise<unknown> {
  return (await specOn(federation, cluster, GDP))?.['ttl'];
}

describe('retry of failed objects', () => {
  describe.each([
    ['answers 503 to writes only (the attempts are spent)', 503],
    ['rejects the write with 422 (terminal at once)', 422],
  ])('when a follower %s and the fault then ends', (_what, status) => {
    it('converges that follower without a new leader change and clears the failure', async () => {
      const follower = federation.cluster('follower1');
      const target = (await ttlOn('follower2')) as number + 1;
      follower.faults.set({ error: { status, verbs: ['update', 'create', 'patch', 'delete'], resources: [GDP.plural] } });
      await federation.kube('leader').mergePatch(pathOf(GDP), { spec: { ttl: target } });
      await eventually(() => ttlOn('follower2'), (ttl) => ttl === target, 30_000, 'the healthy follower updated');
      // The replicator has given up on the job (attempts spent) or failed it terminally (422).
      await eventually(
        () => conditionOf(federation, 'leader', 'GDP Federation'),
        (c) => c?.status === SOME_FAILED && (status === 422 || (c.reason ?? '').includes('gave up after 2 attempts')),
        30_000,
        'the final failure reported',
      );
      const leaderWrites = federation.leader.requestLog.writes({ resource: GDP.plural }).length;

      follower.faults.clear();
      await eventually(() => ttlOn('follower1'), (ttl) => ttl === target, 30_000, 'follower1 converged');
      await eventually(() => conditionOf(federation, 'leader', 'GDP Federation'), (c) => c?.status === SUCCESS, 30_000, 'GDP Federation succeeded');
      expect(federation.leader.requestLog.writes({ resource: GDP.plural }).length).toBe(leaderWrites);
      const metrics = await (await fetch(`${federation.app('watcher').url}/metrics`)).text();
      expect(metrics).toMatch(/amko_fed_watcher_failed_retries_total\{cluster="follower1"\} [1-9]/);
    }, 90_000);
  });
});
