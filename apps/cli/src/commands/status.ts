/** `amko-fed status [--json]`: federation state per follower and object, from Redis and the AMKOCluster. */
import type { AMKOClusterCondition, ResultRecord } from '@amko-fed/domain';
import { readAMKOCluster } from '../amko-cluster-access.ts';
import type { KubeAccess } from '../kube-access.ts';
import { buildStatusView, type StatusView } from '../status-view.ts';
import { openRecords, type RedisSelection } from './redis-records.ts';

export interface StatusResult {
  readonly view: StatusView;
  readonly conditions: readonly AMKOClusterCondition[] | undefined;
  readonly conditionsError: string | undefined;
}

export async function status(redis: RedisSelection, openKube: () => KubeAccess): Promise<StatusResult> {
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
    let conditions: readonly AMKOClusterCondition[] | undefined;
    let conditionsError: string | undefined;
    try {
      const amko = await readAMKOCluster(openKube().client());
      conditions = amko.status?.conditions ?? [];
    } catch (err) {
      conditionsError = (err as Error).message;
    }
    return { view, conditions, conditionsError };
  } finally {
    await records.close();
  }
}
