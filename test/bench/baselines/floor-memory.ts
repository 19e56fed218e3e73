/**
 * The floor's memory under the `memory` scenario's load: BullMQ alone (floor.ts: a producer that
 * list+watches the leader and adds one job per follower, one Worker per follower queue doing one GET
 * and one PUT) with the same V8 caps and compile cache as the watcher and replicator, fanning
 * `objects` GSLBConfigs out to every follower of a running federation. What it measures is the
 * memory of the stack amko-federation is built on (node, BullMQ, ioredis, undici, one Worker per
 * follower), without any product code: the part of the watcher's and replicator's RSS that no
 * change to the product can remove.
 */
import { isolatedPrefix, type Federation } from '@amko-fed/testing';
import { rssOf, sampleRss, steadyRss, waitFor, type Rss } from '../support/stats.ts';
import { startChild, type ChildBaseline } from './child.ts';
import { FLOOR_ENTRY, type FloorConfig } from './floor.ts';
import { gslbConfigsPath } from './kube-http.ts';
import { gslbConfig } from './measure.ts';
import { accessOf, createNamespaceEverywhere, writeChildConfig } from './systems.ts';

const NAMESPACE = 'bench-floor-memory';

export interface ProcessMemory {
  /** VmRSS and RssAnon, MB, highest sample from start through the fan-out. */
  readonly peak: Rss;
  /** Mean of 5 samples one second apart, 10 s after every copy arrived. */
  readonly steady: Rss;
  /** Right after the process said it was ready, before any object. */
  readonly started: Rss;
}

export interface FloorMemory {
  readonly producer: ProcessMemory;
  readonly workers: ProcessMemory;
  readonly fanOutS: number;
}

/** Starts the floor on `federation`'s clusters and Redis, fans `objects` out, measures, stops it. */
export async function measureFloorMemory(federation: Federation, objects: number, progress: (message: string) => void): Promise<FloorMemory> {
  await createNamespaceEverywhere(federation, NAMESPACE);
  const floor = { leader: accessOf(federation.leader), followers: federation.followers.map(accessOf), namespace: NAMESPACE, redisUrl: federation.redisUrl, prefix: isolatedPrefix('floor-memory') };
  const started: ChildBaseline[] = [];
  let stopSampler = (): Promise<void> => Promise.resolve();
  const start = async (role: FloorConfig['role']): Promise<ChildBaseline> => {
    const file = await writeChildConfig(federation, `floor-memory-${role}`, { ...floor, role } satisfies FloorConfig);
    const child = await startChild(`floor ${role}`, FLOOR_ENTRY, file);
    started.push(child);
    return child;
  };
  try {
    const workers = await start('workers');
    const producer = await start('producer');
    const atStart = { producer: await rssOf(producer.pid), workers: await rssOf(workers.pid) };
    const sampler = sampleRss({ producer: () => producer.pid, workers: () => workers.pid }, 100);
    stopSampler = () => sampler.stop();
    const began = performance.now();
    const leader = federation.kube(federation.leader.name);
    for (let i = 0; i < objects; i += 25) await Promise.all(Array.from({ length: Math.min(25, objects - i) }, (_, j) => leader.create(gslbConfigsPath(NAMESPACE), gslbConfig(NAMESPACE, `floor-${i + j}`, i + j))));
    const copies = () => Promise.resolve(federation.followers.map((f) => f.store.list('amko.vmware.com/gslbconfigs', NAMESPACE).length));
    try {
      await waitFor(copies, (counts) => counts.every((n) => n === objects), 240_000, `the floor's ${objects} copies on every follower`, 1_000);
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}; floor stderr: ${started.map((c) => c.stderr()).join(' | ').slice(-1_000)}`, { cause: err });
    }
    const fanOutS = (performance.now() - began) / 1000;
    progress(`floor: ${objects * federation.followers.length} copies after ${fanOutS.toFixed(0)} s`);
    const steady = await steadyRss({ producer: producer.pid, workers: workers.pid });
    await sampler.stop();
    const memoryOf = (name: 'producer' | 'workers'): ProcessMemory => ({ peak: sampler.peak[name] ?? { totalMb: Number.NaN, anonMb: Number.NaN }, steady: steady[name], started: atStart[name] });
    return { producer: memoryOf('producer'), workers: memoryOf('workers'), fanOutS };
  } finally {
    await stopSampler();
    await Promise.all(started.map((child) => child.stop()));
  }
}
