/**
 * Memory at 50 followers × 1,000 objects: 1,000 GSLBHostRules on the leader (FEDERATED_KINDS
 * gc,gdp,ghr), then the replicator and the watcher start as processes; the watcher's first resync
 * fans 50,000 jobs out and the replicator works them off. RSS (VmRSS, as `ps` shows it; RssAnon,
 * the private part, in the notes) of both is sampled every 100 ms: peak over the whole run, and
 * steady, the mean of 5 samples once everything has been applied and 10 s have passed.
 *
 * Then, on the same clusters and Redis with watcher and replicator stopped, the floor (BullMQ alone,
 * baselines/floor.ts, the same V8 caps) fans 1,000 objects out to the same 50 followers: the memory
 * of the stack without product code, printed beside the product's (notes, not targets).
 */
import { startFederation } from '@amko-fed/testing';
import { measureFloorMemory, type ProcessMemory } from '../baselines/floor-memory.ts';
import { GSLB_HOST_RULES, federationClients, gslbHostRule, pendingJobs } from '../support/federation-clients.ts';
import { cpuMs, rssOf, sampleRss, steadyRss, waitFor } from '../support/stats.ts';
import type { Scenario } from './scenario.ts';

const FOLLOWERS = 50;
const OBJECTS = 1_000;
const BOUNDS = { watcher: 120, replicator: 150 } as const;

export const memory: Scenario = {
  name: 'memory',
  describe: `${OBJECTS} objects × ${FOLLOWERS} followers federated from scratch: peak and steady RSS of the watcher and replicator processes`,
  async run(context) {
    const federation = await context.track(startFederation({
      followers: FOLLOWERS,
      logLevel: 'warn',
      watcher: { start: false, env: { ...context.apps.watcher.env, FEDERATED_KINDS: 'gc,gdp,ghr' } },
      replicator: { start: false, env: context.apps.replicator.env },
    }));
    const clients = federationClients(federation);
    try {
      const leader = federation.kube(federation.leader.name);
      for (let i = 0; i < OBJECTS; i += 25) await Promise.all(Array.from({ length: Math.min(25, OBJECTS - i) }, (_, j) => leader.create(GSLB_HOST_RULES, gslbHostRule(i + j))));
      context.progress(`${OBJECTS} GSLBHostRules on the leader`);

      const apps = { watcher: federation.app('watcher'), replicator: federation.app('replicator') };
      const sampler = sampleRss({ watcher: () => apps.watcher.pid, replicator: () => apps.replicator.pid }, 100);
      const started = performance.now();
      await apps.replicator.start();
      const replicatorIdle = await rssOf(apps.replicator.pid);
      await apps.watcher.start();
      const followers = federation.followers.map((f) => f.name);
      const federated = () => Promise.all(federation.followers.map((f) => f.store.list('amko.vmware.com/gslbhostrules', 'avi-system').length));
      await waitFor(async () => ({ copies: await federated(), pending: await pendingJobs(clients, followers) }), ({ copies, pending }) => pending === 0 && copies.every((n) => n === OBJECTS), 240_000, `${OBJECTS} copies on every follower`, 1_000);
      const fannedOutS = (performance.now() - started) / 1000;
      context.progress(`all ${FOLLOWERS * OBJECTS} copies applied after ${fannedOutS.toFixed(0)} s`);
      const steady = await steadyRss({ watcher: apps.watcher.pid, replicator: apps.replicator.pid });
      await sampler.stop();
      const cpu = { watcher: await cpuMs(apps.watcher.pid), replicator: await cpuMs(apps.replicator.pid) };
      await apps.watcher.stop();
      await apps.replicator.stop();
      const floor = await measureFloorMemory(federation, OBJECTS, context.progress);
      const floorLine = (name: string, m: ProcessMemory): string =>
        `floor ${name}: VmRSS after start ${m.started.totalMb.toFixed(0)} MB, peak ${m.peak.totalMb.toFixed(0)} MB, steady ${m.steady.totalMb.toFixed(0)} MB; RssAnon peak ${m.peak.anonMb.toFixed(0)} MB, steady ${m.steady.anonMb.toFixed(0)} MB`;
      const figures = (['watcher', 'replicator'] as const).flatMap((app) => [
        { what: `${app} RSS peak, ${FOLLOWERS} followers × ${OBJECTS} objects`, measured: sampler.peak[app]?.totalMb ?? Number.NaN, unit: 'MB', bound: BOUNDS[app], direction: 'at most' as const, how: 'VmRSS sampled every 100 ms from start through the fan-out' },
        { what: `${app} RSS steady, ${FOLLOWERS} followers × ${OBJECTS} objects`, measured: steady[app].totalMb, unit: 'MB', bound: BOUNDS[app], direction: 'at most' as const, how: 'mean VmRSS over 5 s, 10 s after every copy was applied' },
      ]);
      return {
        scenario: 'memory',
        figures,
        notes: [
          `fan-out of ${FOLLOWERS * OBJECTS} applies took ${fannedOutS.toFixed(0)} s from the replicator's start; CPU used: watcher ${(cpu.watcher / 1000).toFixed(1)} s, replicator ${(cpu.replicator / 1000).toFixed(1)} s`,
          `replicator right after start (${FOLLOWERS} workers, no job yet): ${replicatorIdle.totalMb.toFixed(0)} MB`,
          ...(['watcher', 'replicator'] as const).map((app) => `${app} private memory (RssAnon): peak ${(sampler.peak[app]?.anonMb ?? Number.NaN).toFixed(0)} MB, steady ${steady[app].anonMb.toFixed(0)} MB; the rest of VmRSS is the node binary's mapped text`),
          `the floor (BullMQ alone, no product code, same V8 caps; watcher and replicator stopped): ${FOLLOWERS * OBJECTS} copies in ${floor.fanOutS.toFixed(0)} s`,
          floorLine('producer (list+watch, one job per follower: the watcher\'s part)', floor.producer),
          floorLine(`workers (${FOLLOWERS} BullMQ Workers, GET + PUT: the replicator's part)`, floor.workers),
          `NODE_OPTIONS: watcher "${federation.envOf('watcher')['NODE_OPTIONS'] ?? ''}", replicator "${federation.envOf('replicator')['NODE_OPTIONS'] ?? ''}"`,
        ],
      };
    } finally {
      await clients.close();
      await federation.stop();
    }
  },
};
