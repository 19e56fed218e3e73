/**
 * Converges one object on one follower: GET → planApply → create / replace / delete / nothing.
 * A 409 (someone changed the object between our GET and our write, or it is still being deleted)
 * or a 404 on replace re-reads and re-plans at once, a few times, before the job is retried with
 * backoff. Never branches on why the job was enqueued. `beforeWrite` runs right before every write
 * (not for a no-op): the worker checks there that it still holds the job (ADR 0009). With an
 * epoch, the follower's fencing token is read together with the object (one more GET, in parallel)
 * and a token or a copy of a later leadership stops the apply (FencedLeaderError, terminal): a
 * new leader's stamp is obeyed from the next apply on, not after a cache expires, and the write
 * stays conditional on the resourceVersion of the copy that was checked. With `written`, a change
 * to a copy this replicator wrote is PUT on the remembered copy without the GET (written-copies.ts):
 * the PUT is conditional on that copy's resourceVersion, so a copy changed since gives 409 or 404
 * and the apply reads it and plans again; only a write, never "up to date", is decided that way.
 * A caller that read the fencing token itself earlier in the same attempt passes it (`fenceToken`),
 * and `beforeWrite` is told whether the follower was waited for since: the replicator checks its
 * lock together with the projection read after the token, and again only if a read followed.
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
  RequestRejectedError,
  SchemaRejectedError,
  type ApplyPlan,
  type DesiredState,
  type KindInfo,
  type KubeObject,
  type LeaderTerm,
  type ObjectRef,
} from '@amko-fed/domain';
import { readFenceToken, type ClusterClient } from '@amko-fed/kube';
import type { RememberedCopy } from './written-copies.ts';

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
  /**
   * Runs right before each create, replace or delete; throwing stops the apply without writing.
   * Told whether this plan waited for the follower (read its copy or its fencing token) since the
   * apply began or since the previous call.
   */
  readonly beforeWrite?: (waitedForFollower: boolean) => Promise<void>;
  /** The follower's fencing token as the caller read it for this attempt: the first plan uses it (replans read it again). */
  readonly fenceToken?: { readonly term: LeaderTerm | undefined };
  /** The copy this replicator last wrote or read there; without it every apply reads the copy first. */
  readonly written?: RememberedCopy | undefined;
}

function isReplannable(err: unknown): boolean {
  return err instanceof ConflictError || err instanceof NotFoundError;
}

/** The follower refused the request itself (400, 422, another 4xx): terminal unless it came from a stale remembered copy. */
function isRejected(err: unknown): boolean {
  return err instanceof SchemaRejectedError || err instanceof RequestRejectedError;
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
  const { client, kindInfo, ref, desired, sourceCluster, epoch, written } = input;
  const beforeWrite = input.beforeWrite ?? (async () => undefined);
  const clock = input.clock ?? (() => new Date());
  const readCopy = (): Promise<KubeObject | undefined> => client.get(kindInfo, ref.namespace, ref.name);
  const planOn = (observed: KubeObject | undefined): ApplyPlan => planApply({ desired, observed, kindInfo, sourceCluster, epoch, now: clock().toISOString() });
  // Only a write is decided on the remembered copy; anything else on what the follower holds now
  // (read together with the token, as without the memory).
  const writeOn = (copy: KubeObject): { readonly copy: KubeObject; readonly plan: ApplyPlan } | undefined => {
    const plan = planOn(copy);
    return plan.action === PlanAction.Update ? { copy, plan } : undefined;
  };
  const recalled = written?.recall();
  let remembered = recalled === undefined ? undefined : writeOn(recalled);
  let given = input.fenceToken;
  for (let replans = 0; ; ) {
    const onRemembered = remembered !== undefined;
    const readsToken = epoch !== undefined && given === undefined;
    const waitedForFollower = !onRemembered || readsToken;
    const [fetched, token] = await Promise.all([onRemembered ? undefined : readCopy(), readsToken ? readFenceToken(client) : given?.term]);
    given = undefined;
    const observed = remembered?.copy ?? fetched;
    if (epoch !== undefined) refuseLaterLeadership(client.context, [token, termOfCopy(observed)], { leader: sourceCluster, epoch });
    const plan = remembered?.plan ?? planOn(observed);
    remembered = undefined;
    try {
      switch (plan.action) {
        case PlanAction.Create: {
          await beforeWrite(waitedForFollower);
          const created = await client.create(kindInfo, ref.namespace, plan.body as KubeObject);
          written?.remember(created);
          return { outcome: ApplyOutcome.created, reason: plan.reason, replans };
        }
        case PlanAction.Update: {
          await beforeWrite(waitedForFollower);
          const replaced = await client.replace(kindInfo, ref.namespace, ref.name, plan.body as KubeObject);
          if (onRemembered) written?.noteWrite(true);
          written?.remember(replaced);
          return { outcome: ApplyOutcome.updated, reason: plan.reason, replans };
        }
        case PlanAction.Delete: {
          await beforeWrite(waitedForFollower);
          written?.forget();
          const existed = await client.delete(kindInfo, plan.namespace ?? ref.namespace, plan.name, { resourceVersion: plan.resourceVersion });
          return { outcome: existed ? ApplyOutcome.deleted : ApplyOutcome.noop, reason: plan.reason, replans };
        }
        case PlanAction.Noop:
          // A fresh read is as good as a write's answer; a copy being deleted is not worth remembering.
          if (observed === undefined || observed.metadata.deletionTimestamp !== undefined) written?.forget();
          else written?.remember(observed);
          return { outcome: ApplyOutcome.noop, reason: plan.reason, replans };
        default: {
          const _exhaustive: never = plan;
          return _exhaustive;
        }
      }
    } catch (err) {
      written?.forget();
      if (onRemembered && (isReplannable(err) || isRejected(err))) {
        // A remembered copy that is no longer the follower's is not a conflict with anybody: read it
        // and plan again. A rejection (400, 422) may come from the remembered metadata too (a
        // follower rebuilt under the same context, whose object reuses the resourceVersion): the
        // fresh read decides, and a body the follower really rejects is rejected again there.
        if (isReplannable(err)) written?.noteWrite(false);
        continue;
      }
      if (isReplannable(err) && replans < MAX_REPLANS) {
        replans += 1;
        continue;
      }
      throw err;
    }
  }
}
