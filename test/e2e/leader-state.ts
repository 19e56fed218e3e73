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

/** What one follower holds, in the shape of LeaderState: values as found, a rule only where its copy exists. */
interface HeldState {
  readonly refreshInterval: unknown;
  readonly ttl: unknown;
  readonly rules: ReadonlyMap<string, unknown>;
}

/** Reads one follower's copies (rules looked up by every name ever used). */
async function heldBy(federation: Federation, cluster: string, names: readonly string[]): Promise<HeldState> {
  const rules = new Map<string, unknown>();
  await Promise.all(
    names.map(async (name) => {
      const spec = (await objectOn(federation, cluster, ghrPath(name)))?.['spec'] as { ttl?: number } | undefined;
      if (spec !== undefined) rules.set(name, spec.ttl);
    }),
  );
  return { refreshInterval: (await specOn(federation, cluster, GC))?.['refreshInterval'], ttl: (await specOn(federation, cluster, GDP))?.['ttl'], rules };
}

function describeState(held: HeldState): string {
  const rules = [...held.rules].map(([name, ttl]) => `${name}=${String(ttl)}`).sort();
  return `refreshInterval=${String(held.refreshInterval)} ttl=${String(held.ttl)} rules=[${rules.join(',')}]`;
}

/** Waits until every follower holds exactly the leader's state (`names`: every rule name ever used). */
export async function followersMatch(federation: Federation, state: LeaderState, names: readonly string[]): Promise<string[]> {
  const want = describeState(state);
  return eventually(
    async () => (await Promise.all(FOLLOWERS.map((cluster) => heldBy(federation, cluster, names)))).map(describeState),
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
    const held = await heldBy(federation, cluster, names);
    if (held.refreshInterval !== state.refreshInterval) pairs.push({ cluster, objectKey: GC_KEY });
    if (held.ttl !== state.ttl) pairs.push({ cluster, objectKey: GDP_KEY });
    for (const name of names) if (held.rules.get(name) !== state.rules.get(name)) pairs.push({ cluster, objectKey: ruleKey(name) });
  }
  return pairs;
}
