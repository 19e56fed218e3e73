/**
 * planApply: the replicator's decision, a pure function of the leader's desired state and the
 * follower's observed object. It converges; it never looks at which event caused the job.
 *
 * - desired present, observed absent → create.
 * - desired present, observed present → noop when the federated content (spec + copied
 *   annotations, hashed from the observed object itself, not from its hash annotation, so drift is
 *   seen) equals the leader's, even if our provenance annotations are stale, and (with an `epoch`)
 *   the copy already carries this leader's epoch; else update (a copy of an earlier leadership is
 *   re-stamped: after a promotion every copy names the new leader's epoch).
 * - desired present, observed being deleted (deletionTimestamp set) → create. Updating an object
 *   that is about to vanish would report success and leave the follower empty; a create is refused
 *   (409 AlreadyExists, a retryable ConflictError) until the deletion finishes, so the job retries
 *   and re-plans until the copy can be made, and a stuck finalizer stays visible as a failure.
 * - desired absent, observed absent → noop.
 * - desired absent, observed being deleted → noop ("being deleted").
 * - desired absent, singleton kind (GSLBConfig, GDP) in avi-system → delete whatever is there:
 *   like AMKO, the follower ends with exactly the leader's objects of these kinds.
 * - desired absent, any other object → delete only if it carries our source-cluster annotation
 *   (from any leader: after a promotion the previous leader's copies are still ours); else noop,
 *   "not created by amko-federation, left alone".
 *
 * Deletes carry the observed resourceVersion as a precondition, so a concurrent change turns into
 * a 409 and a fresh plan instead of deleting something we did not look at.
 */
import { hashFederatedContent } from './content-hash.ts';
import { InvalidPayloadError } from './errors/invalid-payload-error.ts';
import { toFederatedCopy, toFederatedUpdate, type FederatedObjectBody } from './federated-copy.ts';
import { AVI_SYSTEM_NAMESPACE, type KindInfo } from './kinds.ts';
import { readEpoch } from './leadership/epoch.ts';
import { readProvenance } from './provenance.ts';
import type { KubeObject } from './schemas/kube-object.ts';

export const DesiredStateKind = { Present: 'present', Absent: 'absent' } as const;
export type DesiredStateKind = (typeof DesiredStateKind)[keyof typeof DesiredStateKind];

/** The leader's state of one object: present with its latest version, or a tombstone. */
export type DesiredState =
  | { readonly state: typeof DesiredStateKind.Present; readonly object: KubeObject; readonly resourceVersion: string }
  | { readonly state: typeof DesiredStateKind.Absent };

export const PlanAction = { Create: 'create', Update: 'update', Delete: 'delete', Noop: 'noop' } as const;
export type PlanAction = (typeof PlanAction)[keyof typeof PlanAction];

export type ApplyPlan =
  | { readonly action: typeof PlanAction.Create; readonly body: FederatedObjectBody; readonly reason: string }
  | { readonly action: typeof PlanAction.Update; readonly body: FederatedObjectBody; readonly reason: string }
  | {
      readonly action: typeof PlanAction.Delete;
      readonly name: string;
      readonly namespace: string | undefined;
      /** Precondition for the DELETE: the version that was planned against. */
      readonly resourceVersion: string | undefined;
      readonly reason: string;
    }
  | { readonly action: typeof PlanAction.Noop; readonly reason: string };

export interface PlanApplyInput {
  readonly desired: DesiredState;
  /** The follower's current object (GET result), undefined when it does not exist. */
  readonly observed: KubeObject | undefined;
  readonly kindInfo: KindInfo;
  /** The leader's context name, recorded as provenance. */
  readonly sourceCluster: string;
  /** The leader's epoch, stamped on every copy written; undefined for a leader without one. */
  readonly epoch?: number | undefined;
  /** When the plan is made (ISO time), stamped on written copies with the epoch. */
  readonly now?: string | undefined;
}

function describe(kindInfo: KindInfo, object: KubeObject): string {
  const ns = object.metadata.namespace;
  return `${kindInfo.kind} ${ns === undefined ? '' : `${ns}/`}${object.metadata.name}`;
}

const shortHash = (hash: string): string => hash.slice(0, 12);

/**
 * Decides how to make the follower's object equal the leader's state. Throws InvalidPayloadError
 * (terminal) only when the inputs contradict each other: an observed object with another name or
 * namespace than the desired one.
 */
export function planApply(input: PlanApplyInput): ApplyPlan {
  const { desired, observed, kindInfo } = input;
  switch (desired.state) {
    case DesiredStateKind.Present:
      return planPresent(input, desired.object, desired.resourceVersion);
    case DesiredStateKind.Absent:
      return observed === undefined
        ? { action: PlanAction.Noop, reason: 'absent on the leader and on the follower' }
        : planAbsent(kindInfo, observed);
    default: {
      const _exhaustive: never = desired;
      throw new InvalidPayloadError('unknown desired state');
    }
  }
}

function planPresent(input: PlanApplyInput, leader: KubeObject, resourceVersion: string): ApplyPlan {
  const { observed, kindInfo, sourceCluster, epoch } = input;
  const want = hashFederatedContent(leader, kindInfo);
  const stamp = epoch === undefined ? {} : { epoch, appliedAt: input.now };
  const provenance = { sourceCluster, sourceResourceVersion: resourceVersion, contentHash: want, ...stamp };
  const what = describe(kindInfo, leader);
  if (observed === undefined) {
    return { action: PlanAction.Create, body: toFederatedCopy(leader, provenance, kindInfo), reason: `${what} is missing on the follower` };
  }
  if (observed.metadata.name !== leader.metadata.name || observed.metadata.namespace !== leader.metadata.namespace) {
    throw new InvalidPayloadError(`planApply: observed ${describe(kindInfo, observed)} is not ${what}`);
  }
  if (observed.metadata.deletionTimestamp !== undefined) {
    return {
      action: PlanAction.Create,
      body: toFederatedCopy(leader, provenance, kindInfo),
      reason: `${what} is being deleted on the follower; re-creating it once the deletion completes`,
    };
  }
  const have = hashFederatedContent(observed, kindInfo);
  const held = readEpoch(observed);
  if (want === have && (epoch === undefined || held === epoch)) return { action: PlanAction.Noop, reason: `${what} is up to date (content ${shortHash(want)})` };
  if (want === have) {
    return {
      action: PlanAction.Update,
      body: toFederatedUpdate(observed, leader, provenance, kindInfo),
      reason: `${what} is up to date but was written ${held === undefined ? 'without an epoch' : `at epoch ${held}`}; re-stamping it at epoch ${epoch}`,
    };
  }
  return {
    action: PlanAction.Update,
    body: toFederatedUpdate(observed, leader, provenance, kindInfo),
    reason: `${what} differs from the leader (content ${shortHash(have)}, leader ${shortHash(want)})`,
  };
}

function planAbsent(kindInfo: KindInfo, observed: KubeObject): ApplyPlan {
  const what = describe(kindInfo, observed);
  if (observed.metadata.deletionTimestamp !== undefined) {
    return { action: PlanAction.Noop, reason: `${what} is not on the leader and is already being deleted on the follower` };
  }
  const target = {
    action: PlanAction.Delete,
    name: observed.metadata.name,
    namespace: observed.metadata.namespace,
    resourceVersion: observed.metadata.resourceVersion,
  } as const;
  if (kindInfo.singleton && observed.metadata.namespace === AVI_SYSTEM_NAMESPACE) {
    return {
      ...target,
      reason: `${what} is not on the leader; ${kindInfo.kind} in ${AVI_SYSTEM_NAMESPACE} mirrors the leader exactly`,
    };
  }
  const provenance = readProvenance(observed);
  if (provenance !== undefined) {
    return { ...target, reason: `${what} is not on the leader; it was federated from ${provenance.sourceCluster}` };
  }
  return { action: PlanAction.Noop, reason: `${what} is not on the leader and was not created by amko-federation, left alone` };
}
