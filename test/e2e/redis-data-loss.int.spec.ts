/**
 * Redis is an optimisation, never the source of truth (docs/architecture.md §2): when it loses its
 * data — restarted empty, FLUSHALL, or restored from an older snapshot — the federation must still
 * converge every follower to the leader, deletions included, and the AMKOCluster status must not
 * keep a failure that a newer apply cleared. Each scenario runs the watcher and the replicator as
 * processes against a private redis-server without AOF; the watcher's periodic resync is slow
 * (5 min) so that only the data-loss handling can make the assertions pass in time.
 */
import { isolatedPrefix, startFederation, type Federation } from '@amko-fed/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  collectionOf,
  conditionOf,
  eventually,
  GC,
  GDP,
  gdpBody,
  ghrCollection,
  ghrPath,
  gslbConfigBody,
  gslbHostRuleBody,
  objectOn,
  pathOf,
  SOME_FAILED,
  specOn,
  SUCCESS,
} from './support.ts';

const FOLLOWERS = ['follower1', 'follower2'];
const RULES = ['rule-a', 'rule-b', 'rule-c', 'rule-d'];
const WATCHER_ENV = {
  RESYNC_INTERVAL: '5m',
  MEMBER_CHECK_INTERVAL: '1s',
  STATUS_DEBOUNCE: '100ms',
  FEDERATED_KINDS: 'GSLBConfig,GlobalDeploymentPolicy,GSLBHostRule',
};
const REPLICATOR_ENV = { RETRY_BASE: '100ms', RETRY_CAP: '1s', RETRY_ATTEMPTS: '3' };
/** Well below RESYNC_INTERVAL: convergence must come from noticing the data loss. */
const DEADLINE_MS = 45_000;

let federation: Federation | undefined;
afterEach(async () => {
  await federation?.stop();
  federation = undefined;
});

async function start(): Promise<Federation> {
  federation = await startFederation({ followers: FOLLOWERS, prefix: isolatedPrefix('loss'), watcher: { env: WATCHER_ENV }, replicator: { env: REPLICATOR_ENV } });
  const leader = federation.kube('leader');
  await leader.create(collectionOf(GC), gslbConfigBody(1));
  await leader.create(collectionOf(GDP), gdpBody(10));
  for (const name of RULES) await leader.create(ghrCollection(), gslbHostRuleBody(name, 30));
  await followersHold(federation, RULES, 10);
  return federation;
}

/** Waits until every follower holds exactly `rules` (by name), the GDP with `ttl` (or none), and the GSLBConfig. */
async function followersHold(fed: Federation, rules: readonly string[], ttl: number | undefined): Promise<void> {
  await eventually(
    () =>
      Promise.all(
        FOLLOWERS.map(async (cluster) => ({
          rules: (await Promise.all(RULES.map(async (name) => ((await objectOn(fed, cluster, ghrPath(name))) === undefined ? undefined : name)))).filter(Boolean),
          ttl: (await specOn(fed, cluster, GDP))?.['ttl'],
        })),
      ),
    (all) => all.every((f) => f.rules.join() === rules.join() && f.ttl === ttl),
    DEADLINE_MS,
    `every follower holds ${rules.join(',') || 'no rules'} and GDP ttl ${String(ttl)}`,
  );
}

/** Runs one command on the federation's Redis (FLUSHALL, SAVE) on a connection of its own. */
async function onRedis(fed: Federation, command: (redis: Redis) => Promise<unknown>): Promise<void> {
  const redis = new Redis(fed.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await command(redis);
  } finally {
    redis.disconnect();
  }
}

describe('federation under Redis data loss', () => {
  describe('when Redis restarts empty while the leader deletes objects', () => {
    it('deletes them on every follower and reports success only once they are gone', async () => {
      const fed = await start();
      const leader = fed.kube('leader');
      const redis = fed.redis;
      if (redis === undefined) throw new Error('the federation runs a private redis-server');
      await redis.stop();
      await leader.delete(ghrPath('rule-a'));
      await leader.delete(ghrPath('rule-c'));
      await leader.delete(pathOf(GDP));
      // The watcher tries to record the deletions while Redis is away, then Redis comes back empty.
      await eventually(() => fed.app('watcher').logs(), (text) => text.includes('Could not record change'), DEADLINE_MS, 'the watcher retrying a deletion');
      await redis.restart();
      await followersHold(fed, ['rule-b', 'rule-d'], undefined);
      await eventually(
        async () => [await conditionOf(fed, 'leader', 'GDP Federation'), await conditionOf(fed, 'leader', 'GSLBHostRule Federation')],
        (conditions) => conditions.every((c) => c?.status === SUCCESS),
        DEADLINE_MS,
        'GDP and GSLBHostRule Federation succeeded',
      );
    }, 120_000);
  });

  describe('when Redis is flushed and the leader then deletes objects', () => {
    it('deletes them on every follower', async () => {
      const fed = await start();
      await onRedis(fed, (redis) => redis.flushall());
      await fed.kube('leader').delete(ghrPath('rule-b'));
      await fed.kube('leader').delete(pathOf(GDP));
      await followersHold(fed, ['rule-a', 'rule-c', 'rule-d'], undefined);
    }, 120_000);
  });

  describe('when Redis is restored from an older snapshot', () => {
    it('applies the changes made after the snapshot, deletions included', async () => {
      const fed = await start();
      await onRedis(fed, (redis) => redis.save());
      const leader = fed.kube('leader');
      await leader.delete(ghrPath('rule-d'));
      await leader.mergePatch(pathOf(GDP), { spec: { ttl: 11 } });
      await followersHold(fed, ['rule-a', 'rule-b', 'rule-c'], 11);
      // The restart loads the snapshot: the projection still has rule-d and ttl 10.
      await fed.redis?.restart();
      await leader.delete(ghrPath('rule-c'));
      await leader.mergePatch(pathOf(GDP), { spec: { ttl: 12 } });
      await followersHold(fed, ['rule-a', 'rule-b'], 12);
    }, 120_000);
  });

  describe('when a follower failed an object and Redis then loses its data', () => {
    it('clears the failure from the status once a newer apply succeeds', async () => {
      const fed = await start();
      const follower = fed.cluster('follower1');
      follower.faults.set({ error: { status: 422, verbs: ['update'], resources: [GDP.plural] } });
      await fed.kube('leader').mergePatch(pathOf(GDP), { spec: { ttl: 20 } });
      await eventually(() => conditionOf(fed, 'leader', 'GDP Federation'), (c) => c?.status === SOME_FAILED, DEADLINE_MS, 'the GDP failure reported');
      follower.faults.clear();
      await onRedis(fed, (redis) => redis.flushall());
      await fed.kube('leader').mergePatch(pathOf(GDP), { spec: { ttl: 21 } });
      await followersHold(fed, RULES, 21);
      await eventually(() => conditionOf(fed, 'leader', 'GDP Federation'), (c) => c?.status === SUCCESS, DEADLINE_MS, 'GDP Federation succeeded again');
      expect((await conditionOf(fed, 'leader', 'GDP Federation'))?.reason).toBeUndefined();
    }, 120_000);
  });
});
