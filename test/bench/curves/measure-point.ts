/**
 * One grid point of the cost curves: a federation (harness: watcher + replicator processes,
 * emulated followers, private redis-server) with `followers` members and one more follower that
 * is not a member yet; `objects` GSLBHostRules (and GSLBConfig gc-1) on the leader before the
 * processes start. In this order:
 *
 * 1. initial sync: the watcher starts (the replicator is already up) → every member holds every
 *    object (their stores, subscribed to in this process); applies/s = followers × objects / time;
 * 2. latency: single leader writes of gc-1, each until every member holds it;
 * 3. steady-state resync: the leader's watch history is compacted and its watches ended, so the
 *    watcher relists and resyncs with nothing to apply; its own resync histogram gives the
 *    duration, /metrics the jobs it enqueued; then Redis INFO used_memory;
 * 4. a new follower: added to the leader's AMKOCluster spec.clusters → it holds every object.
 *
 * Peak VmRSS of both processes is sampled over the whole point. Every wait polls or subscribes;
 * the federation is stopped in `finally` (and tracked, so that Ctrl-C stops it too).
 */
import { loadavg } from 'node:os';
import { amkoPath, startFederation } from '@amko-fed/testing';
import { watchArrivals } from '../baselines/arrivals.ts';
import type { ScenarioContext } from '../scenarios/scenario.ts';
import { AVI_SYSTEM, federationClients, gslbConfig, GSLB_CONFIGS, GSLB_HOST_RULES, gslbHostRule, pendingJobs, type FederationClients } from '../support/federation-clients.ts';
import { percentile, sampleRss, waitFor } from '../support/stats.ts';
import { watchCopies } from './copies.ts';
import { copiesOf, label, type GridPoint } from './grid.ts';
import type { PointResult } from './point-result.ts';
import { readWatcherCounters } from './watcher-metrics.ts';

/** The follower that joins the converged federation. */
export const NEWCOMER = 'newcomer';
export const LATENCY_WRITES = 30;
const WARM_UP_WRITES = 5;
const SEED_CONCURRENCY = 50;
const GSLB_HOST_RULE_RESOURCE = 'amko.vmware.com/gslbhostrules';

const load1 = (): number => loadavg()[0] ?? Number.NaN;

async function drained(clients: FederationClients, followers: readonly string[], timeoutMs: number, what: string): Promise<void> {
  await waitFor(() => pendingJobs(clients, followers), (n) => n === 0, timeoutMs, what, 250);
}

export async function measurePoint(context: ScenarioContext, point: GridPoint): Promise<PointResult> {
  const { followers: followerCount, objects } = point;
  const copies = copiesOf(point);
  const started = performance.now();
  const loadBefore = load1();
  // At least 200 copies/s, never less than a minute: a point that is much slower failed.
  const syncTimeoutMs = Math.max(60_000, copies * 5);
  const members = Array.from({ length: followerCount }, (_, i) => `follower${i + 1}`);
  const federation = await context.track(startFederation({
    followers: [...members, NEWCOMER],
    logLevel: 'warn',
    // No periodic resync during the point: the steady-state resync is triggered (step 3).
    watcher: { start: false, env: { ...context.apps.watcher.env, FEDERATED_KINDS: 'gc,gdp,ghr', RESYNC_INTERVAL: '1h' } },
    replicator: { start: false, env: context.apps.replicator.env },
  }));
  const clients = federationClients(federation);
  const held = watchCopies(federation.followers, GSLB_HOST_RULE_RESOURCE, AVI_SYSTEM);
  const arrivals = watchArrivals(federation.followers);
  const apps = { watcher: federation.app('watcher'), replicator: federation.app('replicator') };
  const sampler = sampleRss({ watcher: () => apps.watcher.pid, replicator: () => apps.replicator.pid }, 100);
  let measured: Omit<PointResult, 'load' | 'seconds'>;
  try {
    const leaderName = federation.leader.name;
    const leader = federation.kube(leaderName);
    await federation.patchAMKOCluster(leaderName, { clusters: [leaderName, ...members] });
    await leader.create(GSLB_CONFIGS, gslbConfig('gc-1', 1));
    for (let i = 0; i < objects; i += SEED_CONCURRENCY) {
      await Promise.all(Array.from({ length: Math.min(SEED_CONCURRENCY, objects - i) }, (_, j) => leader.create(GSLB_HOST_RULES, gslbHostRule(i + j))));
    }
    context.progress(`${label(point)}: ${objects} GSLBHostRules on the leader`);

    // 1. Initial sync.
    await apps.replicator.start();
    const syncStarted = performance.now();
    const allHeld = held.until(members, objects, syncTimeoutMs);
    const gcHeld = arrivals.until(AVI_SYSTEM, 'gc-1', 1, members, syncTimeoutMs);
    await apps.watcher.start();
    const [ghrAt, gcAt] = await Promise.all([allHeld, gcHeld]);
    if (ghrAt === undefined || gcAt === undefined) throw new Error(`${label(point)}: not every follower held every object within ${syncTimeoutMs} ms (fewest: ${Math.min(...members.map(held.held))})`);
    const initialSyncMs = Math.max(ghrAt, gcAt) - syncStarted;
    await drained(clients, members, syncTimeoutMs, 'the initial sync\'s jobs to be done');
    context.progress(`${label(point)}: initial sync ${(initialSyncMs / 1000).toFixed(1)} s`);

    // 2. Latency of single writes.
    let value = 1;
    const write = async (): Promise<number | undefined> => {
      value += 1;
      const writeStarted = performance.now();
      const arrived = arrivals.until(AVI_SYSTEM, 'gc-1', value, members, 30_000);
      await leader.mergePatch(amkoPath('v1alpha1', 'gslbconfigs', AVI_SYSTEM, 'gc-1'), { spec: { refreshInterval: value } });
      const at = await arrived;
      return at === undefined ? undefined : at - writeStarted;
    };
    for (let i = 0; i < WARM_UP_WRITES; i += 1) await write();
    const samples: number[] = [];
    let lost = 0;
    for (let i = 0; i < LATENCY_WRITES; i += 1) {
      const ms = await write();
      if (ms === undefined) lost += 1;
      else samples.push(ms);
    }
    samples.sort((a, b) => a - b);
    await drained(clients, members, 60_000, 'the latency writes\' jobs to be done');

    // 3. Steady-state resync: a relist (410 Expired on resume) makes the watcher resync everything.
    const url = apps.watcher.url;
    const before = await readWatcherCounters(url);
    // A write the informers do not see moves the resourceVersion past the one they resume from.
    await leader.create('/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'curves-relist' }, data: {} });
    federation.leader.compactHistory();
    const resyncStarted = performance.now();
    federation.leader.endWatches();
    const after = await waitFor(() => readWatcherCounters(url), (c) => c.resyncs > before.resyncs, syncTimeoutMs, 'the watcher\'s resync after the relist', 100);
    const resyncWallMs = performance.now() - resyncStarted;
    await drained(clients, members, syncTimeoutMs, 'the resync\'s jobs to be done');
    const resyncs = after.resyncs - before.resyncs;
    const resync = { watcherMs: ((after.resyncSeconds - before.resyncSeconds) / resyncs) * 1000, wallMs: resyncWallMs, jobs: after.jobsEnqueued - before.jobsEnqueued };
    const redisUsedBytes = Number(/used_memory:(\d+)/.exec(await clients.redis.info('memory'))?.[1] ?? Number.NaN);
    context.progress(`${label(point)}: resync ${(resync.watcherMs / 1000).toFixed(2)} s (${resyncs} resync(s), ${resync.jobs} jobs)`);

    // 4. A new follower joins the converged federation.
    const joinStarted = performance.now();
    const newcomerHeld = held.until([NEWCOMER], objects, syncTimeoutMs);
    const newcomerGc = arrivals.until(AVI_SYSTEM, 'gc-1', value, [NEWCOMER], syncTimeoutMs);
    await federation.patchAMKOCluster(leaderName, { clusters: [leaderName, ...members, NEWCOMER] });
    const [joinGhrAt, joinGcAt] = await Promise.all([newcomerHeld, newcomerGc]);
    if (joinGhrAt === undefined || joinGcAt === undefined) throw new Error(`${label(point)}: the new follower did not hold every object within ${syncTimeoutMs} ms (it holds ${held.held(NEWCOMER)})`);
    const newFollowerSyncMs = Math.max(joinGhrAt, joinGcAt) - joinStarted;
    await drained(clients, [...members, NEWCOMER], syncTimeoutMs, 'the new follower\'s jobs to be done');
    context.progress(`${label(point)}: new follower ${(newFollowerSyncMs / 1000).toFixed(2)} s`);

    await sampler.stop();
    measured = {
      followers: followerCount,
      objects,
      copies,
      initialSyncMs,
      appliesPerS: copies / (initialSyncMs / 1000),
      newFollowerSyncMs,
      resync,
      latency: { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), writes: samples.length, lost },
      rss: { watcherMb: sampler.peak['watcher']?.totalMb ?? Number.NaN, replicatorMb: sampler.peak['replicator']?.totalMb ?? Number.NaN },
      redisUsedBytes,
    };
  } finally {
    await sampler.stop();
    held.stop();
    arrivals.stop();
    await clients.close();
    await federation.stop();
  }
  return { ...measured, load: { before: loadBefore, after: load1() }, seconds: (performance.now() - started) / 1000 };
}
