import { FEDERATED_KINDS } from '@amko-fed/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyOf, rawObject } from '../testing/unit-objects.ts';
import { startLeaderSession } from '../testing/unit-session.ts';
import { createUnitSite, type UnitSite } from '../testing/unit-site.ts';
import { until } from '../testing/until.ts';
import type { LeaderSession } from './leader-session.ts';

// AMKO's strings, as the integration tests (amko-behaviour.int.spec.ts, roles.int.spec.ts) expect them.
const VALID = { type: 'current AMKOCluster Validation', status: 'valid AMKOCluster object' };
const CLIENTS_FETCHED = { type: 'member cluster initialisation', status: 'all cluster clients fetched' };
const ALL_VALIDATED = { type: 'member cluster validation', status: 'validated all member clusters' };
const GC_OK = { type: 'GSLBConfig Federation', status: 'federated to all valid clusters successfully' };
const GDP_OK = { type: 'GDP Federation', status: 'federated to all valid clusters successfully' };
const NOT_A_LEADER = [{ type: 'current AMKOCluster Validation', status: "won't federate objects", reason: 'AMKO not a leader' }];
const GC_KEY = keyOf('GSLBConfig', 'gc-1');

let site: UnitSite;
let session: LeaderSession | undefined;

beforeEach(async () => {
  site = await createUnitSite();
});

afterEach(async () => {
  await session?.stop();
  session = undefined;
});

function start(): LeaderSession {
  session = startLeaderSession(site);
  return session;
}

/** Waits until the session leads with its first full resync done. */
const federating = (s: LeaderSession) => until(() => expect(s.health()).toMatchObject({ role: 'leader', resyncs: 1 }));
const waitingJobs = (cluster: string) => site.stores.queues.jobs(cluster).map((j) => j.job?.objectKey);

describe('leader session', () => {
  describe('when the local AMKOCluster is a valid leader and every member is valid', () => {
    it("writes AMKO's five success conditions, publishes both followers as valid and federates", async () => {
      await site.local.create(FEDERATED_KINDS.GSLBConfig, 'avi-system', rawObject('GSLBConfig', 'gc-1'));
      const s = start();
      await federating(s);
      await until(async () => expect(waitingJobs('cluster2')).toEqual([GC_KEY]));
      expect(waitingJobs('cluster3')).toEqual([GC_KEY]);
      expect(await site.stores.registry.readMembers()).toMatchObject({
        leader: 'cluster1',
        members: [{ cluster: 'cluster2', state: 'valid' }, { cluster: 'cluster3', state: 'valid' }],
      });
      expect(s.health()).toMatchObject({ synced: true, validFollowers: ['cluster2', 'cluster3'] });
      // The copies are not on the followers yet: GSLBConfig is not reported federated until they are.
      await until(async () => expect((await site.conditions())?.slice(0, 3)).toEqual([VALID, CLIENTS_FETCHED, ALL_VALIDATED]));
      expect((await site.conditions())?.find((c) => c.type === 'GSLBConfig Federation')?.status).toBe('error in federating to some clusters');
    });

    it('reports every kind federated when the leader has nothing to copy', async () => {
      const s = start();
      await federating(s);
      await until(async () => expect(await site.conditions()).toEqual([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]));
    });
  });

  describe('when the local AMKOCluster is a follower', () => {
    it("writes AMKO's not-a-leader condition, tells the replicators to stop and federates nothing", async () => {
      await site.setSpec('cluster1', { isLeader: false });
      await site.local.create(FEDERATED_KINDS.GSLBConfig, 'avi-system', rawObject('GSLBConfig', 'gc-1'));
      const s = start();
      await until(async () => expect(await site.conditions()).toEqual(NOT_A_LEADER));
      await until(async () =>
        expect(await site.stores.registry.readMembers()).toMatchObject({
          members: [
            { cluster: 'cluster2', state: 'stop', reason: 'AMKO not a leader' },
            { cluster: 'cluster3', state: 'stop', reason: 'AMKO not a leader' },
          ],
        }),
      );
      expect(await site.stores.queues.isPaused('cluster2')).toBe(true);
      expect(s.health()).toMatchObject({ role: 'follower', reason: 'AMKO not a leader', synced: true, resyncs: 0 });
      expect(site.stores.log.events()).toEqual([]);
    });
  });

  describe('when spec.isLeader is flipped to false while leading', () => {
    it('stops federating and reports not-a-leader without a restart', async () => {
      const s = start();
      await federating(s);
      await site.setSpec('cluster1', { isLeader: false });
      await until(async () => expect(await site.conditions()).toEqual(NOT_A_LEADER));
      await until(() => expect(s.health()).toMatchObject({ role: 'follower', resyncs: 0 }));
      await site.local.create(FEDERATED_KINDS.GSLBConfig, 'avi-system', rawObject('GSLBConfig', 'gc-1'));
      expect(site.stores.log.events()).toEqual([]);
    });
  });

  describe('when Redis is not ready at start', () => {
    it('waits for it before deciding the role', async () => {
      site.readiness = { ready: false, reason: 'connection is reconnecting' };
      const s = start();
      expect(s.health().role).toBe('starting');
      site.readiness = { ready: true };
      await until(() => expect(s.health().role).toBe('leader'));
    });
  });

  describe('when Redis comes back with a follower queue paused that this session had resumed', () => {
    it('resumes it on the next pass (a failover may lose a resume without losing any seq)', async () => {
      const s = start();
      await federating(s);
      await until(async () => expect(await site.stores.queues.isPaused('cluster2')).toBe(false));
      await site.stores.queues.pause('cluster2');

      s.redisRecovered();

      await until(async () => expect(await site.stores.queues.isPaused('cluster2')).toBe(false));
      expect((await site.metrics.storeLosses.get()).values.reduce((sum, v) => sum + v.value, 0)).toBe(0);
    });
  });

  describe('when Redis comes back without its data', () => {
    it('rebuilds the data set above every seq seen, re-publishes the members and enqueues everything again', async () => {
      await site.local.create(FEDERATED_KINDS.GSLBConfig, 'avi-system', rawObject('GSLBConfig', 'gc-1'));
      const s = start();
      await federating(s);
      await until(async () => expect(waitingJobs('cluster2')).toEqual([GC_KEY]));
      const before = site.stores.log.projected(GC_KEY)?.seq ?? 0;

      site.stores.loseData();
      s.redisRecovered();

      await until(async () => expect(waitingJobs('cluster2')).toEqual([GC_KEY]));
      expect(waitingJobs('cluster3')).toEqual([GC_KEY]);
      expect(site.stores.log.projected(GC_KEY)?.seq).toBeGreaterThan(before);
      await until(async () => expect((await site.stores.registry.readMembers())?.members.map((m) => m.state)).toEqual(['valid', 'valid']));
      expect((await site.metrics.storeLosses.get()).values.reduce((sum, v) => sum + v.value, 0)).toBe(1);
    });
  });
});
