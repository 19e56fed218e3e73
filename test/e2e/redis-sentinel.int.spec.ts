/**
 * Federation on a real Sentinel set (1 master, 2 replicas, 3 sentinels with quorum 2 on loopback,
 * passwords on Redis and on the sentinels; libs/testing redis-sentinel.ts). Each case runs a
 * federation through `REDIS_URL=redis-sentinel://…/amko?sentinelPassword=…` and SIGKILLs the
 * master; the sentinels promote a replica. What this proves and what it does not (asynchronous
 * replication): apps/replicator/README.md, "Redis topologies".
 */
import { startRedisSentinel, type Federation, type TestRedisSentinel } from '@amko-fed/testing';
import { afterEach, describe, it } from 'vitest';
import { changesAcrossFailover, changesAcrossRepeatedFailovers, lostWritesRecovered, startFederationOn, topologyPassword, type FailoverTopology } from './redis-failover.ts';

const password = topologyPassword('redis');
const sentinelPassword = topologyPassword('sentinel');
let sentinel: TestRedisSentinel | undefined;
let federation: Federation | undefined;

afterEach(async () => {
  await federation?.stop();
  await sentinel?.stop();
  federation = undefined;
  sentinel = undefined;
}, 120_000);

async function start(): Promise<{ fed: Federation; topology: FailoverTopology }> {
  const redis = await startRedisSentinel({ password, sentinelPassword, downAfterMs: 1_000 });
  sentinel = redis;
  federation = await startFederationOn(redis.url, 'sentinel');
  return {
    fed: federation,
    topology: {
      masterPort: () => redis.masterPort(),
      killMaster: (_prefix, whileDown) => redis.killMaster(whileDown),
      cutReplication: () => redis.cutReplication(),
      events: () => redis.failoverEvents(),
      replaceKilled: () => redis.restartKilled(),
    },
  };
}

describe('federation on Redis Sentinel', () => {
  describe('when the master crashes during changes', () => {
    it('delivers every change made before, during and after the failover to every follower', async () => {
      const { fed, topology } = await start();
      await changesAcrossFailover(fed, topology, [password, sentinelPassword]);
    }, 600_000);
  });

  describe('when the master crashes again and again during changes', () => {
    it('delivers every change of every round to every follower, stale applies included', async () => {
      const { fed, topology } = await start();
      await changesAcrossRepeatedFailovers(fed, topology, 4);
    }, 900_000);
  });

  describe('when the failover loses writes the master acknowledged', () => {
    it('notices the rollback and still delivers the lost change to every follower', async () => {
      const { fed, topology } = await start();
      await lostWritesRecovered(fed, topology);
    }, 600_000);
  });
});
