/**
 * Federation on a real Redis Cluster (3 masters, 3 replicas on loopback, passwords; libs/testing
 * redis-cluster.ts): all keys of a deployment share the `{…}` hash tag of its prefix, so they live
 * in one slot on one master. Each case runs a federation through `REDIS_URL=redis-cluster://…` and
 * SIGKILLs the master that serves that slot; the cluster promotes its replica. What this proves and
 * what it does not (asynchronous replication): apps/replicator/README.md, "Redis topologies".
 */
import { startRedisCluster, type Federation, type TestRedisCluster } from '@amko-fed/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { changesAcrossFailover, lostWritesRecovered, startFederationOn, topologyPassword, type FailoverTopology } from './redis-failover.ts';

const password = topologyPassword('cluster');
let cluster: TestRedisCluster | undefined;
let federation: Federation | undefined;

afterEach(async () => {
  await federation?.stop();
  await cluster?.stop();
  federation = undefined;
  cluster = undefined;
}, 120_000);

/** A cluster, a federation on it, and the topology view of the slot of the federation's keys. */
async function start(): Promise<{ fed: Federation; topology: FailoverTopology }> {
  const redis = await startRedisCluster({ password, nodeTimeoutMs: 1_500 });
  cluster = redis;
  const fed = await startFederationOn(redis.url, 'cluster');
  federation = fed;
  const slotKey = (prefix: string): string => `${prefix}:fed:probe`;
  // Every key of the deployment, BullMQ's included, hashes to the prefix's slot.
  expect(await redis.slotOf(`${fed.prefix}:follower.follower1:wait`)).toBe(await redis.slotOf(slotKey(fed.prefix)));
  return {
    fed,
    topology: {
      masterPort: async (prefix) => (await redis.masterOf(slotKey(prefix))).port,
      killMaster: (prefix, whileDown) => redis.killMasterOf(slotKey(prefix), whileDown),
      cutReplication: (prefix) => redis.cutReplicationOf(slotKey(prefix)),
      events: async () =>
        (await redis.nodes())
          .map((n) => `node ${n.port}: ${n.role}${n.failed ? ' (failed)' : ''}${n.slots.length > 0 ? ` slots ${n.slots.map(([a, b]) => `${a}-${b}`).join(',')}` : ''}`)
          .join('\n'),
    },
  };
}

describe('federation on Redis Cluster', () => {
  describe('when the master holding the federation slot crashes during changes', () => {
    it('delivers every change made before, during and after the failover to every follower', async () => {
      const { fed, topology } = await start();
      await changesAcrossFailover(fed, topology, [password]);
    }, 600_000);
  });

  describe('when the failover loses writes that master acknowledged', () => {
    it('notices the rollback and still delivers the lost change to every follower', async () => {
      const { fed, topology } = await start();
      await lostWritesRecovered(fed, topology);
    }, 600_000);
  });
});
