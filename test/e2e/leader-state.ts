/**
 * The leader's state in the Redis topology scenarios (redis-failover.ts) and how the followers'
 * copies compare with it: the leader's writes, recorded once the API server accepted them; the wait
 * until every follower holds exactly that state and the status says federated; and, for a failure
 * message, the (follower, object) pairs that differ.
 */
import type { ObjectKey } from '@amko-fed/domain';
import type { Federation } from '@amko-fed/testing';
import type { Pair } from './queue-diagnosis.ts';
import { collectionOf, conditionOf, eventually, GC, GDP, gdpBody, ghrCollection, ghrPath, gslbConfigBody, gslbHostRuleBody, objectOn, pathOf, specOn, SUCCESS } from './support.ts';

export const FOLLOWERS = ['follower1', 'follower2'] as const;
/** Generous: a failover takes seconds, a busy 2-core machine makes everything slower. */
export const DEADLINE_MS = 120_000;

/** What the leader holds: GSLBConfig refreshInterval, GDP ttl and the names and ttls of its GSLBHostRules. */
export interface LeaderState {
  refreshInterval: number;
  ttl: number;
  rules: Map<string, number>;
}

/** The leader's writes, each recorded in `state` once the API server accepted it. */
export function leaderWriter(federation: Federation, state: LeaderState) {
  const leader = federation.kube('leader');
  return {
    async createAll(): Promise<void> {
      await leader.create(collectionOf(GC), gslbConfigBody(state.refreshInterval));
      await leader.create(collectionOf(GDP), gdpBody(state.ttl));
      for (const [name, ttl] of state.rules) await leader.create(ghrCollection(), gslbHostRuleBody(name, ttl));
    },
    async setTtl(ttl: number): Promise<void> {
      await leader.mergePatch(pathOf(GDP), { spec: { ttl } });
      state.ttl = ttl;
    },
    async setRefreshInterval(refreshInterval: number): Promise<void> {
      await leader.mergePatch(pathOf(GC), { spec: { refreshInterval } });
      state.refreshInterval = refreshInterval;
    },
    async addRule(name: string, ttl: number): Promise<void> {
      await leader.create(ghrCollection(), gslbHostRuleBody(name, ttl));
      state.rules.set(name, ttl);
    },
    async setRuleTtl(name: string, ttl: number): Promise<void> {
      await leader.mergePatch(ghrPath(name), { spec: { ttl } });
      state.rules.set(name, ttl);
    },
    async deleteRule(name: string): Promise<void> {
      await leader.delete(ghrPath(name));
      state.rules.delete(name);
    },
  };
}

/** One follower's copy in the shape of LeaderState (rules looked up by every name ever used). */
async function followerState(federation: Federation, cluster: string, names: readonly string[]): Promise<string> {
  const rules = await Promise.all(
    names.map(async (name) => {
      const spec = (await objectOn(federation, cluster, ghrPath(name)))?.['spec'] as { ttl?: number } | undefined;
      return spec === undefined ? undefined : `${name}=${String(spec.ttl)}`;
    }),
  );
  return describeState((await specOn(federation, cluster, GC))?.['refreshInterval'], (await specOn(federation, cluster, GDP))?.['ttl'], rules.filter((r) => r !== undefined));
}

function describeState(refreshInterval: unknown, ttl: unknown, rules: readonly string[]): string {
  return `refreshInterval=${String(refreshInterval)} ttl=${String(ttl)} rules=[${[...rules].sort().join(',')}]`;
}

export function expectedState(state: LeaderState): string {
  return describeState(state.refreshInterval, state.ttl, [...state.rules].map(([name, ttl]) => `${name}=${ttl}`));
}

/** Waits until every follower holds exactly the leader's state (`names`: every rule name ever used). */
export async function followersMatch(federation: Federation, state: LeaderState, names: readonly string[]): Promise<string[]> {
  const want = expectedState(state);
  return eventually(
    () => Promise.all(FOLLOWERS.map((cluster) => followerState(federation, cluster, names))),
    (all) => all.every((s) => s === want),
    DEADLINE_MS,
    `every follower holds ${want}`,
  );
}

/** Waits until the leader's GSLBConfig and GDP Federation conditions report success. */
export async function statusFederated(federation: Federation): Promise<void> {
  await eventually(
    async () => [await conditionOf(federation, 'leader', 'GSLBConfig Federation'), await conditionOf(federation, 'leader', 'GDP Federation')],
    ([gc, gdp]) => gc?.status === SUCCESS && gdp?.status === SUCCESS,
    DEADLINE_MS,
    'the leader status says federated successfully',
  );
}

const GC_KEY = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const GDP_KEY = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const ruleKey = (name: string): ObjectKey => `GSLBHostRule/avi-system/${name}` as ObjectKey;

/** The (follower, object) pairs whose follower copy differs from `state` now (`names`: every rule name ever used). */
export async function divergentPairs(federation: Federation, state: LeaderState, names: readonly string[]): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (const cluster of FOLLOWERS) {
    if ((await specOn(federation, cluster, GC))?.['refreshInterval'] !== state.refreshInterval) pairs.push({ cluster, objectKey: GC_KEY });
    if ((await specOn(federation, cluster, GDP))?.['ttl'] !== state.ttl) pairs.push({ cluster, objectKey: GDP_KEY });
    for (const name of names) {
      const ttl = ((await objectOn(federation, cluster, ghrPath(name)))?.['spec'] as { ttl?: number } | undefined)?.ttl;
      if (ttl !== state.rules.get(name)) pairs.push({ cluster, objectKey: ruleKey(name) });
    }
  }
  return pairs;
}
