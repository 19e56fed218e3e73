/**
 * What the watcher keeps of a leader object: the key, the federated content hash and a trimmed
 * copy for the projection (everything the replicator's copy rule reads — apiVersion, kind, name,
 * namespace, resourceVersion, generation, the copied annotations and spec — and nothing else: no
 * status, managedFields, last-applied-configuration or helm metadata).
 */
import {
  apiVersionOf,
  FEDERATED_KINDS,
  hashFederatedContent,
  isNeverCopiedKey,
  managersOfChange,
  parseKubeObject,
  toObjectKey,
  type FederatedKind,
  type ObjectKey,
} from '@amko-fed/domain';

export interface LeaderObject {
  readonly key: ObjectKey;
  readonly kind: FederatedKind;
  readonly resourceVersion: string;
  readonly generation: number | undefined;
  readonly contentHash: string;
  /** The trimmed object stored in the projection. */
  readonly object: Record<string, unknown>;
  /** Field managers of the newest change (from managedFields), for the history. */
  readonly managers: readonly string[];
}

/** Reads a watched object; undefined when it lacks the metadata every object has. */
export function toLeaderObject(kind: FederatedKind, raw: unknown): LeaderObject | undefined {
  const parsed = parseKubeObject(raw, kind);
  if (!parsed.ok) return undefined;
  const object = parsed.value;
  const info = FEDERATED_KINDS[kind];
  const namespace = object.metadata.namespace ?? '';
  const annotations: Record<string, string> = {};
  const present = object.metadata.annotations ?? {};
  for (const key of info.copiedAnnotations) {
    const value = Object.hasOwn(present, key) ? present[key] : undefined;
    if (!isNeverCopiedKey(key) && typeof value === 'string') annotations[key] = value;
  }
  const resourceVersion = object.metadata.resourceVersion ?? '';
  const generation = object.metadata.generation;
  const metadata: Record<string, unknown> = { name: object.metadata.name, namespace, resourceVersion };
  if (object.metadata.uid !== undefined) metadata['uid'] = object.metadata.uid;
  if (generation !== undefined) metadata['generation'] = generation;
  if (Object.keys(annotations).length > 0) metadata['annotations'] = annotations;
  const spec = (object as { spec?: unknown }).spec;
  return {
    key: toObjectKey({ kind, namespace, name: object.metadata.name }),
    kind,
    resourceVersion,
    generation,
    contentHash: hashFederatedContent(object, info),
    managers: managersOfChange(object.metadata.managedFields),
    object: { apiVersion: apiVersionOf(info), kind: info.kind, metadata, ...(spec === undefined ? {} : { spec }) },
  };
}

/** The key of a watched object (also for deletions, where only metadata matters). */
export function objectKeyOf(kind: FederatedKind, raw: unknown): ObjectKey | undefined {
  const metadata = (raw as { metadata?: { name?: unknown; namespace?: unknown } } | undefined)?.metadata;
  if (typeof metadata?.name !== 'string' || metadata.name === '') return undefined;
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : '';
  if (namespace === '') return undefined;
  return toObjectKey({ kind, namespace, name: metadata.name });
}
