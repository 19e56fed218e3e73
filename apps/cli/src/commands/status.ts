/** `amko-fed status [--json]`: federation state per follower and object, from Redis and the AMKOCluster. */
import type { AMKOCluster, AMKOClusterCondition, ResultRecord } from '@amko-fed/domain';
import { readAMKOCluster } from '../amko-cluster-access.ts';
import type { KubeAccess } from '../kube-access.ts';
import { buildStatusView, type StatusView } from '../status-view.ts';
import { openRecords, type RedisSelection } from './redis-records.ts';

export interface StatusResult {
  readonly view: StatusView;
  readonly conditions: readonly AMKOClusterCondition[] | undefined;
  readonly conditionsError: string | undefined;
  /** The AMKOCluster of --context, when it could be read (a follower's gets the promote readiness report). */
  readonly amko: AMKOCluster | undefined;
  /**
   * Set when the key prefix holds no federation at all: what that likely means, with the key
   * prefixes of the federations this Redis does hold.
   */
  readonly emptyHint: string | undefined;
  /** Key prefixes with a federation in this Redis (when `emptyHint` is set). */
  readonly otherPrefixes: readonly string[];
}

const MEMBERS_SUFFIX = ':fed:members';

export async function status(redis: RedisSelection, openKube: () => KubeAccess): Promise<StatusResult> {
  // Kubeconfig and --context first: a wrong context is bad input (exit 2), before any Redis work.
  const kube = openKube();
  const records = await openRecords(redis);
  try {
    const members = await records.registry.readMembers();
    const projection = await records.log.listProjection();
    const resultsByCluster = new Map<string, Map<string, ResultRecord>>();
    for (const member of members?.members ?? []) {
      const results = await records.results.readResults(member.cluster);
      resultsByCluster.set(member.cluster, new Map(results.map((r) => [r.objectKey, r])));
    }
    const view = buildStatusView(members, projection, resultsByCluster);
    let emptyHint: string | undefined;
    let otherPrefixes: string[] = [];
    if (members === undefined && projection.length === 0) {
      otherPrefixes = (await federationPrefixes(records.redis)).filter((p) => p !== redis.keyPrefix);
      emptyHint = otherPrefixes.length > 0
        ? `no federation under key prefix ${redis.keyPrefix}; this Redis holds federations under ${otherPrefixes.join(', ')}: pass --key-prefix (or KEY_PREFIX) with the watcher's KEY_PREFIX`
        : `no federation under key prefix ${redis.keyPrefix} and none in this Redis: is the leader's watcher running with this REDIS_URL (and KEY_PREFIX), and has it become leader?`;
    }
    let conditions: readonly AMKOClusterCondition[] | undefined;
    let conditionsError: string | undefined;
    let amko: AMKOCluster | undefined;
    try {
      amko = await readAMKOCluster(kube.client());
      conditions = amko.status?.conditions ?? [];
    } catch (err) {
      conditionsError = (err as Error).message;
    }
    return { view, conditions, conditionsError, amko, emptyHint, otherPrefixes };
  } finally {
    await records.close();
  }
}

/** Key prefixes whose member registry exists (SCAN, at most a few thousand keys looked at per call). */
async function federationPrefixes(redis: { scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]> }): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  let rounds = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${MEMBERS_SUFFIX}`, 'COUNT', 1000);
    for (const key of keys) found.add(key.slice(0, -MEMBERS_SUFFIX.length));
    cursor = next;
    rounds += 1;
  } while (cursor !== '0' && rounds < 100);
  return [...found].sort();
}
