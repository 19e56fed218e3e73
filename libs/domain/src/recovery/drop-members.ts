/**
 * Removing failed member clusters from the federated configuration before a restore (the seed's
 * recovery runbook): GSLBConfig `spec.memberClusters[].clusterContext`, GlobalDeploymentPolicy
 * `spec.matchClusters[].cluster` and `spec.trafficSplit[].cluster`. Other kinds are unchanged.
 */
import type { BackupObject } from './backup-object.ts';

export interface DropMembersResult {
  readonly object: BackupObject;
  /** Human-readable list of what was removed, e.g. `spec.matchClusters: cluster1`. */
  readonly removed: readonly string[];
}

function filterList(spec: Record<string, unknown>, field: string, key: string, drop: ReadonlySet<string>, removed: string[]): void {
  const list = spec[field];
  if (!Array.isArray(list)) return;
  const kept = list.filter((entry: unknown) => {
    const value = entry && typeof entry === 'object' ? (entry as Record<string, unknown>)[key] : undefined;
    const dropIt = typeof value === 'string' && drop.has(value);
    if (dropIt) removed.push(`spec.${field}: ${value}`);
    return !dropIt;
  });
  spec[field] = kept;
}

export function dropMembers(object: BackupObject, members: readonly string[]): DropMembersResult {
  const drop = new Set(members);
  const copy = structuredClone(object) as BackupObject & { spec?: unknown };
  const removed: string[] = [];
  const spec = copy.spec && typeof copy.spec === 'object' && !Array.isArray(copy.spec) ? (copy.spec as Record<string, unknown>) : undefined;
  if (spec && drop.size > 0) {
    if (copy.kind === 'GSLBConfig') filterList(spec, 'memberClusters', 'clusterContext', drop, removed);
    if (copy.kind === 'GlobalDeploymentPolicy') {
      filterList(spec, 'matchClusters', 'cluster', drop, removed);
      filterList(spec, 'trafficSplit', 'cluster', drop, removed);
    }
  }
  return { object: copy, removed };
}
