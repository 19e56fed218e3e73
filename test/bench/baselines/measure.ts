/**
 * The baselines' measurements, the same for every system: leader writes through the leader's API
 * (merge patch, as latency.ts), applied when the followers' stores hold them (arrivals.ts).
 */
import { amkoPath, type Federation } from '@amko-fed/testing';
import type { Arrivals } from './arrivals.ts';

export interface Sizes {
  readonly warmUp: number;
  readonly writes: number;
  readonly throughputObjects: number;
  readonly slowWrites: number;
}

export interface Bench {
  readonly federation: Federation;
  readonly arrivals: Arrivals;
  /** A new spec.refreshInterval, never used before in this run. */
  next(): number;
}

/** A GSLBConfig in a baseline's namespace. */
export const gslbConfig = (namespace: string, name: string, refreshInterval: number): Record<string, unknown> => ({
  apiVersion: 'amko.vmware.com/v1alpha1',
  kind: 'GSLBConfig',
  metadata: { name, namespace },
  spec: { gslbLeader: { credentials: 'c', controllerVersion: '22.1.3', controllerIP: '10.0.0.1' }, memberClusters: [{ clusterContext: 'leader' }], refreshInterval },
});

const followerNames = (bench: Bench): string[] => bench.federation.followers.map((f) => f.name);
const leaderOf = (bench: Bench) => bench.federation.kube(bench.federation.leader.name);

/** Creates `name` on the leader and waits until every follower holds it; throws after `timeoutMs`. */
export async function seed(bench: Bench, namespace: string, name: string, timeoutMs: number): Promise<number> {
  const value = bench.next();
  await leaderOf(bench).create(amkoPath('v1alpha1', 'gslbconfigs', namespace), gslbConfig(namespace, name, value));
  if ((await bench.arrivals.until(namespace, name, value, followerNames(bench), timeoutMs)) === undefined) {
    throw new Error(`${namespace}/${name} did not reach every follower within ${timeoutMs} ms`);
  }
  return value;
}

/** One leader write of `name`: ms until every one of `on` holds it, or undefined after `timeoutMs`. */
export async function timedWrite(bench: Bench, namespace: string, name: string, on: readonly string[], timeoutMs: number): Promise<number | undefined> {
  const value = bench.next();
  const started = performance.now();
  const arrived = bench.arrivals.until(namespace, name, value, on, timeoutMs);
  await leaderOf(bench).mergePatch(amkoPath('v1alpha1', 'gslbconfigs', namespace, name), { spec: { refreshInterval: value } });
  const at = await arrived;
  return at === undefined ? undefined : at - started;
}

export interface LatencyRun {
  readonly samples: number[];
  /** Writes that did not arrive within the timeout. */
  readonly lost: number;
}

/** `warmUp` then `writes` leader writes of one object, one at a time, each until on every one of `on`. */
export async function latencyRun(bench: Bench, namespace: string, name: string, warmUp: number, writes: number, on: readonly string[], timeoutMs: number): Promise<LatencyRun> {
  for (let i = 0; i < warmUp; i += 1) await timedWrite(bench, namespace, name, on, timeoutMs);
  const samples: number[] = [];
  let lost = 0;
  for (let i = 0; i < writes; i += 1) {
    const ms = await timedWrite(bench, namespace, name, on, timeoutMs);
    if (ms === undefined) lost += 1;
    else samples.push(ms);
  }
  return { samples, lost };
}

export interface ThroughputRound {
  readonly applies: number;
  readonly seconds: number;
  /** Objects that were not on every follower within the timeout (then `seconds` is NaN). */
  readonly missing: number;
}

/**
 * `objects` leader changes at once (creates in round 1, merge patches afterwards, 20 requests in
 * flight), then until every follower holds every object: follower-applies per second.
 */
export async function throughputRound(bench: Bench, namespace: string, objects: number, round: number, timeoutMs: number): Promise<ThroughputRound> {
  const leader = leaderOf(bench);
  const followers = followerNames(bench);
  const names = Array.from({ length: objects }, (_, i) => `tp-${i}`);
  const values = names.map(() => bench.next());
  const started = performance.now();
  const arrived = names.map((name, i) => bench.arrivals.until(namespace, name, values[i] ?? 0, followers, timeoutMs));
  for (let i = 0; i < names.length; i += 20) {
    await Promise.all(names.slice(i, i + 20).map((name, j) => {
      const value = values[i + j] ?? 0;
      return round === 1
        ? leader.create(amkoPath('v1alpha1', 'gslbconfigs', namespace), gslbConfig(namespace, name, value))
        : leader.mergePatch(amkoPath('v1alpha1', 'gslbconfigs', namespace, name), { spec: { refreshInterval: value } });
    }));
  }
  const at = await Promise.all(arrived);
  const missing = at.filter((t) => t === undefined).length;
  const last = Math.max(...at.map((t) => t ?? Number.NaN));
  return { applies: objects * followers.length, seconds: (last - started) / 1000, missing };
}
