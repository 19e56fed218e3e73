/**
 * The promote readiness report's reads and rendering: from every member of the AMKOCluster's
 * spec.clusters that has a context in the kubeconfig, its AMKOCluster (leader or not), its fencing
 * token and the provenance of our copies in avi-system; the rule that judges them is
 * `assessPromoteReadiness` (libs/domain/src/leadership/promote-readiness.ts).
 */
import {
  ALL_FEDERATED_KINDS,
  APPLIED_AT_ANNOTATION,
  assessPromoteReadiness,
  AVI_SYSTEM_NAMESPACE,
  FEDERATED_KINDS,
  MemberRole,
  NotFoundError,
  readEpoch,
  readProvenance,
  toObjectKey,
  type AMKOCluster,
  type CopySeen,
  type KubeObject,
  type MemberSeen,
  type PromoteReadiness,
} from '@amko-fed/domain';
import { readFenceToken, type ClusterClient } from '@amko-fed/kube';
import { readAMKOCluster } from '../amko-cluster-access.ts';
import type { KubeAccess } from '../kube-access.ts';
import { renderTable } from '../text-table.ts';

/** The members to read: spec.clusters in their order, and --context itself (first when spec.clusters lacks it). */
export function readinessMembers(context: string, amko: AMKOCluster): string[] {
  const clusters = amko.spec?.clusters ?? [];
  return [...new Set(clusters.includes(context) ? clusters : [context, ...clusters])];
}

function copySeen(object: KubeObject, objectKey: string): CopySeen | undefined {
  const provenance = readProvenance(object);
  if (provenance === undefined) return undefined;
  const appliedAt = object.metadata.annotations?.[APPLIED_AT_ANNOTATION];
  return { objectKey, ...provenance, epoch: readEpoch(object), appliedAt: typeof appliedAt === 'string' ? appliedAt : undefined };
}

/**
 * Our copies of every federated kind in avi-system (a kind whose CRD is not installed has none),
 * and the keys of the objects held without our provenance (restored from a backup, or made there).
 */
async function readCopies(client: ClusterClient): Promise<{ copies: CopySeen[]; local: string[] }> {
  const copies: CopySeen[] = [];
  const local: string[] = [];
  for (const kind of ALL_FEDERATED_KINDS) {
    const list = await client.list(FEDERATED_KINDS[kind], AVI_SYSTEM_NAMESPACE).catch((err: unknown) => {
      if (err instanceof NotFoundError) return { items: [] };
      throw err;
    });
    for (const object of list.items) {
      const key = toObjectKey({ kind, namespace: AVI_SYSTEM_NAMESPACE, name: object.metadata.name ?? '' });
      const seen = copySeen(object, key);
      if (seen !== undefined) copies.push(seen);
      else local.push(key);
    }
  }
  return { copies, local };
}

/** One member as the readiness rule needs it; any failed read makes it unreachable, with the reason. */
export async function readMember(kube: KubeAccess, cluster: string): Promise<MemberSeen> {
  if (!kube.contexts.includes(cluster)) return { cluster, reachable: false, error: `no context "${cluster}" in the kubeconfig` };
  try {
    const client = kube.client(cluster);
    const [amko, token, { copies, local }] = await Promise.all([readAMKOCluster(client), readFenceToken(client), readCopies(client)]);
    return { cluster, reachable: true, isLeader: amko.spec?.isLeader === true, token, copies, local };
  } catch (err) {
    return { cluster, reachable: false, error: (err as Error).message };
  }
}

export interface ReadinessReading {
  /** Every member read, --context among them. */
  readonly seen: readonly MemberSeen[];
  readonly readiness: PromoteReadiness;
}

/** Reads every member named by the AMKOCluster of --context (already read) and judges them. */
export async function readPromoteReadiness(kube: KubeAccess, amko: AMKOCluster): Promise<ReadinessReading> {
  const seen = await Promise.all(readinessMembers(kube.context, amko).map((cluster) => readMember(kube, cluster)));
  return { seen, readiness: assessPromoteReadiness(seen) };
}

/** The report for people: members, objects, recommendation. */
export function renderPromoteReadiness(readiness: PromoteReadiness): string[] {
  const members: string[][] = [['MEMBER', 'ROLE', 'FOLLOWS', 'LAST CHANGE', 'COPIES', 'BEHIND ON']];
  for (const m of readiness.members) {
    switch (m.role) {
      case MemberRole.Unreachable:
        members.push([m.cluster, m.oldLeader ? 'unreachable (old leader)' : 'unreachable', '-', '-', '-', m.error]);
        break;
      case MemberRole.Candidate:
      case MemberRole.Leader:
      case MemberRole.OldLeader: {
        const follows = m.token === undefined ? 'no token' : `${m.token.leader} epoch ${m.token.epoch}`;
        const lastChange = m.copies === 0 ? 'never' : (m.lastChangeAt ?? 'unknown');
        const role = m.role === MemberRole.Candidate ? 'candidate' : m.role === MemberRole.Leader ? 'leader (not a candidate)' : 'old leader (not a candidate)';
        const behind = m.role !== MemberRole.Candidate ? '' : m.behind.length === 0 ? '-' : `${m.behind.length}: ${m.behind.join(', ')}`;
        members.push([m.cluster, role, follows, lastChange, String(m.copies), behind]);
        break;
      }
      default: {
        const _exhaustive: never = m;
        throw new Error('unknown member role');
      }
    }
  }
  const lines = ['Promote readiness:', ...renderTable(members).map((l) => `  ${l}`)];
  const candidates = readiness.objects[0]?.states.map((s) => s.cluster) ?? [];
  if (readiness.objects.length > 0) {
    const objects: string[][] = [['OBJECT', 'NEWEST (source@resourceVersion, epoch)', ...candidates]];
    for (const o of readiness.objects) {
      const newest = o.newest.map((v) => `${v.sourceCluster}@${v.sourceResourceVersion} epoch ${v.epoch ?? 'none'}`).join(' | ');
      objects.push([o.objectKey, `${newest}${o.diverged ? ' (diverged)' : ''}`, ...o.states.map((s) => s.state)]);
    }
    lines.push(...renderTable(objects).map((l) => `  ${l}`));
  }
  lines.push('Recommendation:', ...readiness.recommendation.map((r) => `  ${r}`));
  return lines;
}
