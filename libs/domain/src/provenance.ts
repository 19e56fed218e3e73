/**
 * Provenance annotations stamped on every object amko-federation writes into a follower
 * (ARCHITECTURE §3). Their presence marks a copy as ours: only marked copies of non-singleton kinds
 * are ever deleted.
 */

export const SOURCE_CLUSTER_ANNOTATION = 'federation.amko-fed.io/source-cluster';
export const SOURCE_RESOURCE_VERSION_ANNOTATION = 'federation.amko-fed.io/source-resource-version';
export const CONTENT_HASH_ANNOTATION = 'federation.amko-fed.io/content-hash';

/**
 * On a copy: the epoch of the leader that wrote it. On a leader's AMKOCluster: the epoch of its
 * current leadership (leadership/epoch.ts).
 */
export const LEADER_EPOCH_ANNOTATION = 'federation.amko-fed.io/leader-epoch';
/** On a copy: when the replicator last wrote it (ISO time). */
export const APPLIED_AT_ANNOTATION = 'federation.amko-fed.io/applied-at';

/** Every annotation a copy gets from amko-federation: removed from a promoted leader's own objects and from backups. */
export const PROVENANCE_ANNOTATIONS: readonly string[] = [
  SOURCE_CLUSTER_ANNOTATION,
  SOURCE_RESOURCE_VERSION_ANNOTATION,
  CONTENT_HASH_ANNOTATION,
  LEADER_EPOCH_ANNOTATION,
  APPLIED_AT_ANNOTATION,
];

/** Where a copy came from: the leader's context name and the leader object's resourceVersion. */
export interface Provenance {
  readonly sourceCluster: string;
  readonly sourceResourceVersion: string;
  /** The leader object's `hashFederatedContent`, when the caller already computed it. */
  readonly contentHash?: string | undefined;
  /** The writing leader's epoch (leadership epochs); stamped with `appliedAt` when present. */
  readonly epoch?: number | undefined;
  /** When the copy is written (ISO time), stamped together with `epoch`. */
  readonly appliedAt?: string | undefined;
}

/** Provenance as recorded on an object, with the content hash it was written with. */
export interface RecordedProvenance {
  readonly sourceCluster: string;
  readonly sourceResourceVersion: string;
  readonly contentHash: string | undefined;
}

interface Annotated {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> | undefined } | undefined;
}

/** The provenance an object carries; undefined when it has no source-cluster annotation (not ours). */
export function readProvenance(object: Annotated): RecordedProvenance | undefined {
  const annotations = object.metadata?.annotations ?? {};
  const sourceCluster = own(annotations, SOURCE_CLUSTER_ANNOTATION);
  if (sourceCluster === undefined || sourceCluster === '') return undefined;
  return {
    sourceCluster,
    sourceResourceVersion: own(annotations, SOURCE_RESOURCE_VERSION_ANNOTATION) ?? '',
    contentHash: own(annotations, CONTENT_HASH_ANNOTATION),
  };
}

/** True when the object was written by amko-federation (it carries our source-cluster annotation). */
export function isFederatedCopy(object: Annotated): boolean {
  return readProvenance(object) !== undefined;
}

function own(record: Readonly<Record<string, string>>, key: string): string | undefined {
  const value = Object.hasOwn(record, key) ? record[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}
