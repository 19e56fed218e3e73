/**
 * The scenario the Redis topology suites share (redis-cluster.int.spec.ts, redis-sentinel.int.spec.ts):
 * a federation (leader + 2 followers, watcher and replicator as processes) on a Redis reached
 * through a Cluster or Sentinel URL with passwords; changes before, during and after the crash of
 * the Redis master that holds the federation's keys must all reach every follower, and the status
 * must say so. The watcher's periodic resync is slow (5 min) so that only what the topology and the
 * store-loss detection do can make the assertions pass in time. The leader's state and the
 * comparison with the followers' copies: leader-state.ts.
 */
import { randomBytes } from 'node:crypto';
import { createFollowerQueues, createRedisConnection } from '@amko-fed/queue';
import { isolatedPrefix, startFederation, type Federation } from '@amko-fed/testing';
import { expect } from 'vitest';
import { DEADLINE_MS, divergentPairs, FOLLOWERS, followersMatch, leaderWriter, statusFederated, type LeaderState } from './leader-state.ts';
import { diagnosePairs } from './queue-diagnosis.ts';
import { amkoFed, eventually, timelineOf, withTimeline } from './support.ts';

const WATCHER_ENV = {
  RESYNC_INTERVAL: '5m',
  MEMBER_CHECK_INTERVAL: '1s',
  STATUS_DEBOUNCE: '100ms',
  FEDERATED_KINDS: 'GSLBConfig,GlobalDeploymentPolicy,GSLBHostRule',
};
const REPLICATOR_ENV = { RETRY_BASE: '100ms', RETRY_CAP: '1s' };

/** A password that must never appear in a log line. */
export function topologyPassword(label: string): string {
  return `${label}-s3cret-${randomBytes(6).toString('hex')}`;
}

export async function startFederationOn(redisUrl: string, label: string): Promise<Federation> {
  return startFederation({ redisUrl, followers: [...FOLLOWERS], prefix: isolatedPrefix(label), watcher: { env: WATCHER_ENV }, replicator: { env: REPLICATOR_ENV } });
}

/** The watcher's warnings that Redis lost or rolled back the federation data (the store-loss detection). */
export async function storeLossLines(federation: Federation): Promise<string[]> {
  return (await federation.app('watcher').logs()).split('\n').filter((line) => line.includes('rebuilding it from the leader'));
}

/** Log lines of either workload that contain `secret`. */
export async function linesWith(federation: Federation, secret: string): Promise<string[]> {
  const text = `${await federation.app('watcher').logs()}\n${await federation.app('replicator').logs()}`;
  return text.split('\n').filter((line) => line.includes(secret));
}

/** What the scenarios need of a topology: its master of the federation keys, a crash, a replication cut. */
export interface FailoverTopology {
  /** The port of the master that holds the keys under `prefix`. */
  masterPort(prefix: string): Promise<number>;
  /** SIGKILLs that master; `whileDown` runs after the kill; resolves once a replica took over. */
  killMaster(prefix: string, whileDown: () => Promise<void>): Promise<{ killedPort: number; promotedPort: number }>;
  /** Stops replication from that master; returns the undo. */
  cutReplication(prefix: string): Promise<() => Promise<void>>;
  /** What the topology did (its failovers), printed with a failure. */
  events?(): Promise<string>;
  /** Brings the killed master back as a replica, so the topology can fail over again. */
  replaceKilled?(): Promise<void>;
}

const RULE_NAMES = ['rule-a', 'rule-b', 'rule-c', ...Array.from({ length: 6 }, (_, i) => `during-${i}`), 'after-a'];
const initialState = (): LeaderState => ({ refreshInterval: 1, ttl: 10, rules: new Map([['rule-a', 30], ['rule-b', 30], ['rule-c', 30]]) });

/** The topology's failover events, for a failure message. */
async function eventsOf(topology: FailoverTopology): Promise<string> {
  return (await topology.events?.()) ?? '(the topology tells no events)';
}

/**
 * What a failed wait of the scenarios appends after the log timeline (the end of a long failure
 * message is what a CI summary shows): the topology's failovers, the log lines about the objects
 * that did not converge (and every warning or error), and what Redis holds for each such pair.
 */
async function diagnosis(federation: Federation, state: LeaderState, topology: FailoverTopology, names: readonly string[]): Promise<string> {
  const pairs = await divergentPairs(federation, state, names);
  const keys = new Set<unknown>(pairs.map((p) => p.objectKey));
  const about = await timelineOf(federation, 40, (r) => keys.has(r['objectKey']) || (typeof r['level'] === 'number' && r['level'] >= 40));
  return [await eventsOf(topology), '--- log lines about the pairs not converged, warnings and errors ---', about, '--- pairs not converged ---', await diagnosePairs(federation, pairs)].join('\n');
}

/**
 * Changes `0 … racing - 1` race a crash of the master (in flight when it dies), changes
 * `racing … total - 1` are made while there is no master; resolves once a replica took over and
 * every change was made.
 */
async function changesAroundACrash(
  federation: Federation,
  topology: FailoverTopology,
  change: (i: number) => Promise<void>,
  racing: number,
  total: number,
): Promise<{ killedPort: number; promotedPort: number }> {
  const inFlight = (async () => {
    for (let i = 0; i < racing; i += 1) await change(i);
  })();
  const failover = await topology.killMaster(federation.prefix, async () => {
    for (let i = racing; i < total; i += 1) await change(i);
  });
  await inFlight;
  return failover;
}

async function federated(federation: Federation, state: LeaderState, topology: FailoverTopology, names: readonly string[] = RULE_NAMES): Promise<void> {
  await withTimeline(
    federation,
    async () => {
      await followersMatch(federation, state, names);
      await statusFederated(federation);
    },
    () => diagnosis(federation, state, topology, names),
  );
}

/**
 * Changes before the crash, racing it (in flight when the master dies), while there is no master,
 * and after a replica took over: all reach every follower; the status says federated; no process
 * crashed; no password in any log line.
 */
export async function changesAcrossFailover(federation: Federation, topology: FailoverTopology, secrets: readonly string[]): Promise<void> {
  const state = initialState();
  const write = leaderWriter(federation, state);
  await write.createAll();
  await federated(federation, state, topology);
  const before = await topology.masterPort(federation.prefix);

  const change = async (i: number): Promise<void> => {
    await write.setTtl(100 + i);
    await write.addRule(`during-${i}`, 40 + i);
    if (i === 2) await write.deleteRule('rule-b');
  };
  const failover = await changesAroundACrash(federation, topology, change, 3, 6);
  expect(failover.killedPort).toBe(before);
  expect(await topology.masterPort(federation.prefix)).toBe(failover.promotedPort);

  await write.setRefreshInterval(7);
  await write.setRuleTtl('rule-a', 77);
  await write.addRule('after-a', 50);
  await write.deleteRule('during-0');

  await federated(federation, state, topology);
  expect([federation.app('watcher').running, federation.app('replicator').running]).toEqual([true, true]);
  for (const secret of secrets) expect(await linesWith(federation, secret)).toEqual([]);

  // amko-fed reads the same topology through REDIS_URL, and says in sync once every result is
  // recorded (a result may land a moment after the follower's object changed).
  await withTimeline(
    federation,
    async () => {
      const status = await eventually(
        () => amkoFed(federation, ['--context', 'leader', 'status', '--json']),
        (run) => run.code !== 3,
        DEADLINE_MS,
        'amko-fed status no longer says pending',
      );
      expect({ code: status.code, err: status.err, out: status.code === 0 ? '' : status.out }).toEqual({ code: 0, err: '', out: '' });
      const view = JSON.parse(status.out) as { inSync: boolean; followers: { cluster: string }[] };
      expect({ inSync: view.inSync, followers: view.followers.map((f) => f.cluster).sort() }).toEqual({ inSync: true, followers: [...FOLLOWERS] });
    },
    () => diagnosis(federation, state, topology, RULE_NAMES),
  );
}


/**
 * The master crashes again and again (`rounds` times, each killed server back as a replica), each
 * time with changes racing the crash, made while there is no master and made after the promotion,
 * among them a deletion of a rule created while the old master was dying: every round ends with
 * every follower holding the leader's state and the status saying federated. An apply in flight
 * across a failover (it read the projection before the crash) must never leave a stale copy behind.
 */
export async function changesAcrossRepeatedFailovers(federation: Federation, topology: FailoverTopology, rounds: number): Promise<void> {
  const replaceKilled = topology.replaceKilled;
  if (replaceKilled === undefined) throw new Error('repeated failovers need a topology that can replace a killed master');
  const state: LeaderState = { refreshInterval: 1, ttl: 10, rules: new Map([['base', 1]]) };
  const write = leaderWriter(federation, state);
  const names = ['base'];
  const addRule = async (name: string, ttl: number): Promise<void> => {
    names.push(name);
    await write.addRule(name, ttl);
  };
  await write.createAll();
  await federated(federation, state, topology, names);
  for (let round = 1; round <= rounds; round += 1) {
    const change = async (i: number): Promise<void> => {
      await write.setTtl(round * 100 + i);
      await addRule(`r${round}-${i}`, 40 + i);
      const older = [...state.rules.keys()].find((name) => name.startsWith(`r${round - 1}-`));
      if (i === 1 && older !== undefined) await write.deleteRule(older);
    };
    await changesAroundACrash(federation, topology, change, 3, 5);
    await write.setRefreshInterval(round + 1);
    await addRule(`r${round}-after`, 50);
    await write.deleteRule(`r${round}-0`);
    await federated(federation, state, topology, names);
    await replaceKilled();
  }
  expect([federation.app('watcher').running, federation.app('replicator').running]).toEqual([true, true]);
}

/**
 * The case asynchronous replication allows: the master acknowledged a change's event, projection
 * and jobs, none of it reached a replica, and the master crashed. The replicator is stopped first,
 * so the change exists nowhere but in the lost writes (not on any follower). After the failover the
 * watcher must notice that Redis went back (its seq counter is below what it wrote) and rebuild
 * from the leader, so the change still reaches every follower once the replicator runs again.
 */
export async function lostWritesRecovered(federation: Federation, topology: FailoverTopology): Promise<void> {
  const state = initialState();
  const write = leaderWriter(federation, state);
  await write.createAll();
  await federated(federation, state, topology);
  const lossesBefore = (await storeLossLines(federation)).length;

  const replicator = federation.app('replicator');
  await replicator.stop();
  const undo = await topology.cutReplication(federation.prefix);
  let undone = false;
  try {
    await write.setTtl(555);
    await write.addRule('during-0', 55);
    // The watcher wrote the change to the (isolated) master: a job waits for each follower.
    const redis = createRedisConnection(federation.redisUrl, { role: 'client' });
    const queues = createFollowerQueues({ connection: redis, prefix: federation.prefix });
    try {
      await eventually(
        () => Promise.all(FOLLOWERS.map(async (cluster) => (await queues.counts(cluster)).waiting)),
        (waiting) => waiting.every((n) => n > 0),
        DEADLINE_MS,
        'the watcher enqueued the change for every follower',
      );
    } finally {
      await queues.close();
      redis.disconnect();
    }
    await topology.killMaster(federation.prefix, async () => {
      await undo();
      undone = true;
    });
  } finally {
    if (!undone) await undo();
  }
  await replicator.start();
  await federated(federation, state, topology);
  // The convergence came from the store-loss detection (the periodic resync is 5 min away).
  expect((await storeLossLines(federation)).length).toBeGreaterThan(lossesBefore);
}
