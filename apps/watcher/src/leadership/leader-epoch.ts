/**
 * Taking a leadership epoch (ARCHITECTURE §2.2). A leader whose AMKOCluster carries no epoch
 * (promoted by `amko-fed promote` or by `kubectl edit … isLeader: true`) takes the next epoch above
 * every one it can see: its own fencing token and the copies it holds from when it followed, and
 * the tokens of the members that answer. The epoch is persisted on its AMKOCluster before anything
 * is written anywhere; then its own objects lose the provenance of the leader they were copied
 * from. A leader that already carries an epoch keeps it: a restart continues the same leadership.
 * A follower's AMKOCluster carries none (`dropFollowerEpoch`).
 */
import {
  AMKO_CLUSTER_KIND,
  AVI_SYSTEM_NAMESPACE,
  decideEpoch,
  FEDERATED_KINDS,
  LEADER_EPOCH_ANNOTATION,
  PROVENANCE_ANNOTATIONS,
  readEpoch,
  type EpochDecision,
  type FederatedKind,
  type KubeObject,
} from '@amko-fed/domain';
import { readFenceToken, type ClusterClient } from '@amko-fed/kube';
import type { Logger } from 'pino';
import type { StatusTarget } from '../role/decide-role.ts';

export interface LeaderEpochDeps {
  readonly local: ClusterClient;
  readonly kinds: readonly FederatedKind[];
  readonly logger: Logger;
}

async function quietly<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/** This cluster's objects of the federated kinds in avi-system, per kind. */
type OwnObjects = readonly (readonly [FederatedKind, readonly KubeObject[]])[];

/**
 * Every epoch this cluster can see: its own token and copies (`own`), the tokens of members that
 * answer. The cluster's own token and copies must be read: an epoch taken without them could be
 * lower than the one it followed.
 */
async function seenEpochs(deps: LeaderEpochDeps, own: OwnObjects, members: readonly ClusterClient[]): Promise<number[]> {
  const [token, tokens] = await Promise.all([readFenceToken(deps.local), Promise.all(members.map((client) => quietly(() => readFenceToken(client))))]);
  const copies = own.flatMap(([, items]) => items.map((item) => readEpoch(item)));
  return [token?.epoch, ...copies, ...tokens.map((t) => t?.epoch)].filter((e): e is number => e !== undefined);
}

/**
 * The epoch this leader leads at: the one on its AMKOCluster, or a new one, persisted before it is
 * returned. Throws when the new epoch could not be read up to or persisted (nothing is federated
 * then; the next member check tries again).
 */
export async function ensureLeaderEpoch(deps: LeaderEpochDeps, target: StatusTarget, own: number | undefined, members: readonly ClusterClient[]): Promise<EpochDecision> {
  if (own !== undefined) return decideEpoch(own, []);
  const objects: OwnObjects = await Promise.all(
    deps.kinds.map(async (kind) => [kind, (await deps.local.list(FEDERATED_KINDS[kind], AVI_SYSTEM_NAMESPACE)).items] as const),
  );
  const decision = decideEpoch(undefined, await seenEpochs(deps, objects, members));
  await deps.local.mergePatch(AMKO_CLUSTER_KIND, target.namespace, target.name, {
    metadata: { annotations: { [LEADER_EPOCH_ANNOTATION]: String(decision.epoch) } },
  });
  deps.logger.info({ epoch: decision.epoch }, `Took leadership epoch ${decision.epoch}`);
  await cleanOwnProvenance(deps, objects);
  return decision;
}

/**
 * A promoted leader's own objects were copies of its former leader: their provenance annotations
 * (source cluster, its resourceVersion and hash, epoch) are removed, from the objects listed when
 * the epoch was taken. Best effort: a failure is logged, the copies it writes carry the right
 * provenance either way.
 */
async function cleanOwnProvenance(deps: LeaderEpochDeps, objects: OwnObjects): Promise<void> {
  const nulls = Object.fromEntries(PROVENANCE_ANNOTATIONS.map((key) => [key, null]));
  for (const [kind, items] of objects) {
    for (const item of items) {
      const annotations = item.metadata.annotations ?? {};
      if (!PROVENANCE_ANNOTATIONS.some((key) => Object.hasOwn(annotations, key))) continue;
      try {
        await deps.local.mergePatch(FEDERATED_KINDS[kind], AVI_SYSTEM_NAMESPACE, item.metadata.name, { metadata: { annotations: nulls } });
        deps.logger.info({ kind, name: item.metadata.name }, `Removed the former leader's provenance from ${kind} ${item.metadata.name}`);
      } catch (err) {
        deps.logger.warn({ err, kind, name: item.metadata.name }, `Could not remove the former leader's provenance from ${kind} ${item.metadata.name}`);
      }
    }
  }
}

/** A follower holds no leadership epoch: the annotation of an earlier leadership is removed. */
export async function dropFollowerEpoch(local: ClusterClient, target: StatusTarget, logger: Logger): Promise<void> {
  await local.mergePatch(AMKO_CLUSTER_KIND, target.namespace, target.name, { metadata: { annotations: { [LEADER_EPOCH_ANNOTATION]: null } } });
  logger.info('This cluster is a follower: removed its leadership epoch');
}
