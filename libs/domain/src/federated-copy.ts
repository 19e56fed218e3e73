/**
 * The copy rule (ARCHITECTURE §3): what a follower object looks like after federation.
 *
 * Create: a fresh object with only apiVersion/kind, name/namespace, the leader's `spec`, the
 * kind's copied annotations (`amko.vmware.com/amko-uuid`) and our provenance. Nothing else of the
 * leader's metadata travels: not status, labels, helm ownership metadata, finalizers,
 * ownerReferences, managedFields, last-applied-configuration or server-set fields.
 *
 * Update: the OBSERVED follower object with the leader's `spec`, the copied annotations set (and
 * removed when the leader no longer has them) and provenance refreshed. The follower's own labels,
 * annotations, finalizers and ownerReferences stay (they belong to that cluster), as does its
 * `resourceVersion` (the PUT is conditional: optimistic concurrency). `managedFields` is left out
 * (the server then keeps its own), and `status` is removed: a follower copy carries no status. The
 * federated kinds have no status subresource, so this clears whatever status the follower had;
 * follower AMKOs do not process these kinds, and creates never copy status either.
 */
import { hashFederatedContent, toFederatedContent } from './content-hash.ts';
import { apiVersionOf, type KindInfo } from './kinds.ts';
import { isNeverCopiedKey } from './never-copied-keys.ts';
import {
  APPLIED_AT_ANNOTATION,
  CONTENT_HASH_ANNOTATION,
  LEADER_EPOCH_ANNOTATION,
  SOURCE_CLUSTER_ANNOTATION,
  SOURCE_RESOURCE_VERSION_ANNOTATION,
  type Provenance,
} from './provenance.ts';
import type { KubeObject, ObjectMeta } from './schemas/kube-object.ts';

/** A request body for a follower: the object to create or to PUT. */
export interface FederatedObjectBody {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta & { readonly annotations: Readonly<Record<string, string>> };
  readonly spec: unknown;
  readonly [extra: string]: unknown;
}

function provenanceAnnotations(leader: KubeObject, provenance: Provenance, kindInfo: KindInfo): Record<string, string> {
  return {
    [SOURCE_CLUSTER_ANNOTATION]: provenance.sourceCluster,
    [SOURCE_RESOURCE_VERSION_ANNOTATION]: provenance.sourceResourceVersion,
    [CONTENT_HASH_ANNOTATION]: provenance.contentHash ?? hashFederatedContent(leader, kindInfo),
    ...(provenance.epoch === undefined ? {} : { [LEADER_EPOCH_ANNOTATION]: String(provenance.epoch) }),
    ...(provenance.appliedAt === undefined ? {} : { [APPLIED_AT_ANNOTATION]: provenance.appliedAt }),
  };
}

/** The object to create on a follower from the leader's object. */
export function toFederatedCopy(leader: KubeObject, provenance: Provenance, kindInfo: KindInfo): FederatedObjectBody {
  const metadata: ObjectMeta & { annotations: Record<string, string> } = {
    name: leader.metadata.name,
    annotations: { ...toFederatedContent(leader, kindInfo).annotations, ...provenanceAnnotations(leader, provenance, kindInfo) },
  };
  if (leader.metadata.namespace !== undefined) metadata.namespace = leader.metadata.namespace;
  return { apiVersion: apiVersionOf(kindInfo), kind: kindInfo.kind, metadata, spec: structuredClone(leader.spec ?? null) };
}

/**
 * The PUT body that turns the observed follower object into the leader's state. The observed
 * object is not copied (it is the GET's fresh answer): the body shares its untouched values
 * (labels, finalizers, ownerReferences…) and never changes them; annotations and spec are new.
 */
export function toFederatedUpdate(
  observed: KubeObject,
  leader: KubeObject,
  provenance: Provenance,
  kindInfo: KindInfo,
): FederatedObjectBody {
  const { status: _status, spec: _spec, metadata: observedMeta, ...rest } = observed;
  const { managedFields: _managedFields, ...keptMeta } = observedMeta;
  const annotations: Record<string, string> = { ...keptMeta.annotations };
  const copied = toFederatedContent(leader, kindInfo).annotations;
  for (const key of kindInfo.copiedAnnotations) {
    if (isNeverCopiedKey(key)) continue;
    const value = Object.hasOwn(copied, key) ? copied[key] : undefined;
    if (value === undefined) delete annotations[key];
    else annotations[key] = value;
  }
  Object.assign(annotations, provenanceAnnotations(leader, provenance, kindInfo));
  return {
    ...rest,
    apiVersion: apiVersionOf(kindInfo),
    kind: kindInfo.kind,
    metadata: { ...keptMeta, annotations },
    spec: structuredClone(leader.spec ?? null),
  };
}
