/**
 * Converges one object on one follower: GET → planApply → create / replace / delete / nothing.
 * A 409 (someone changed the object between our GET and our write, or it is still being deleted)
 * or a 404 on replace re-reads and re-plans at once, a few times, before the job is retried with
 * backoff. Never branches on why the job was enqueued. `beforeWrite` runs right before every write
 * (not for a no-op): the worker checks there that it still holds the job (ADR 0009). With an
 * epoch, the follower's fencing token is read together with the object (one more GET, in parallel)
 * and a token or a copy of a later leadership stops the apply (FencedLeaderError, terminal): a
 * new leader's stamp is obeyed from the next apply on, not after a cache expires, and the write
 * stays conditional on the resourceVersion of the copy that was checked.
 */
import {
  ConflictError,
  decideFence,
  fencedMessage,
  FencedLeaderError,
  FenceVerdict,
  NotFoundError,
  termOfCopy,
  PlanAction,
  planApply,
  type DesiredState,
  type KindInfo,
  type KubeObject,
  type LeaderTerm,
  type ObjectRef,
} from '@amko-fed/domain';
import { readFenceToken, type ClusterClient } from '@amko-fed/kube';

/** Immediate re-plans after a conflict before the job is retried with backoff. */
export const MAX_REPLANS = 3;

export const ApplyOutcome = { created: 'created', updated: 'updated', deleted: 'deleted', noop: 'noop' } as const;
export type ApplyOutcome = (typeof ApplyOutcome)[keyof typeof ApplyOutcome];

export interface ApplyResult {
  readonly outcome: ApplyOutcome;
  /** planApply's explanation, for logs. */
  readonly reason: string;
  /** Conflicts resolved by re-planning. */
  readonly replans: number;
}

export interface ApplyObjectInput {
  readonly client: ClusterClient;
  readonly kindInfo: KindInfo;
  readonly ref: ObjectRef;
  readonly desired: DesiredState;
  /** The leader's context name (provenance). */
  readonly sourceCluster: string;
  /** The leader's epoch, stamped on the copies written and checked against the copy found. */
  readonly epoch?: number | undefined;
  /** The time stamped on written copies (with the epoch). @defaultValue the system clock */
  readonly clock?: () => Date;
  /** Runs right before each create, replace or delete; throwing stops the apply without writing. */
  readonly beforeWrite?: () => Promise<void>;
}

function isReplannable(err: unknown): boolean {
  return err instanceof ConflictError || err instanceof NotFoundError;
}

/** Throws when the follower's token or its copy names a later leadership than `self`. */
function refuseLaterLeadership(cluster: string, seen: readonly (LeaderTerm | undefined)[], self: LeaderTerm): void {
  for (const term of seen) {
    if (term === undefined) continue;
    const decision = decideFence(term, self);
    if (decision.verdict === FenceVerdict.Fenced) throw new FencedLeaderError(cluster, { reason: fencedMessage(cluster, decision.by, self) });
  }
}

export async function applyObject(input: ApplyObjectInput): Promise<ApplyResult> {
  const { client, kindInfo, ref, desired, sourceCluster, epoch } = input;
  const beforeWrite = input.beforeWrite ?? (async () => undefined);
  const clock = input.clock ?? (() => new Date());
  for (let replans = 0; ; replans += 1) {
    const [observed, token] = await Promise.all([client.get(kindInfo, ref.namespace, ref.name), epoch === undefined ? undefined : readFenceToken(client)]);
    if (epoch !== undefined) refuseLaterLeadership(client.context, [token, termOfCopy(observed)], { leader: sourceCluster, epoch });
    const plan = planApply({ desired, observed, kindInfo, sourceCluster, epoch, now: clock().toISOString() });
    try {
      switch (plan.action) {
        case PlanAction.Create:
          await beforeWrite();
          await client.create(kindInfo, ref.namespace, plan.body as KubeObject);
          return { outcome: ApplyOutcome.created, reason: plan.reason, replans };
        case PlanAction.Update:
          await beforeWrite();
          await client.replace(kindInfo, ref.namespace, ref.name, plan.body as KubeObject);
          return { outcome: ApplyOutcome.updated, reason: plan.reason, replans };
        case PlanAction.Delete: {
          await beforeWrite();
          const existed = await client.delete(kindInfo, plan.namespace ?? ref.namespace, plan.name, { resourceVersion: plan.resourceVersion });
          return { outcome: existed ? ApplyOutcome.deleted : ApplyOutcome.noop, reason: plan.reason, replans };
        }
        case PlanAction.Noop:
          return { outcome: ApplyOutcome.noop, reason: plan.reason, replans };
        default: {
          const _exhaustive: never = plan;
          return _exhaustive;
        }
      }
    } catch (err) {
      if (isReplannable(err) && replans < MAX_REPLANS) continue;
      throw err;
    }
  }
}
