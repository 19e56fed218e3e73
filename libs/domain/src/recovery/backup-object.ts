/**
 * A backed-up object: what `kubectl apply -f` needs to recreate it on another cluster. Server-set
 * fields (uid, resourceVersion, generation, timestamps, managedFields, status), references to the
 * old cluster (ownerReferences), controller finalizers, kubectl's last-applied-configuration and
 * our provenance annotations are removed; the user's labels and annotations (helm's included, and
 * `amko.vmware.com/amko-uuid`) stay, so the restored object is the original, not a copy.
 */
import { LAST_APPLIED_ANNOTATION } from '../never-copied-keys.ts';
import { PROVENANCE_ANNOTATIONS } from '../provenance.ts';
import type { KubeObject } from '../schemas/kube-object.ts';

const SERVER_SET_METADATA = [
  'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds',
  'managedFields', 'selfLink', 'ownerReferences', 'finalizers', 'generateName',
] as const;

export interface BackupObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec?: unknown;
  readonly [extra: string]: unknown;
}

export function toBackupObject(object: KubeObject, apiVersion: string, kind: string): BackupObject {
  const { status: _status, metadata, apiVersion: _apiVersion, kind: _kind, ...rest } = structuredClone(object);
  const meta: Record<string, unknown> = { ...metadata };
  for (const key of SERVER_SET_METADATA) delete meta[key];
  const annotations = { ...(metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED_ANNOTATION];
  for (const key of PROVENANCE_ANNOTATIONS) delete annotations[key];
  if (Object.keys(annotations).length > 0) meta['annotations'] = annotations;
  else delete meta['annotations'];
  if (meta['labels'] !== undefined && Object.keys(meta['labels'] as object).length === 0) delete meta['labels'];
  return { apiVersion, kind, metadata: meta as BackupObject['metadata'], ...rest };
}

/** `gslbconfig.avi-system.gc-1.yaml`: one file per object, stable and sortable. */
export function backupFileName(kind: string, namespace: string | undefined, name: string): string {
  return `${kind.toLowerCase()}.${namespace ?? '_cluster'}.${name}.yaml`;
}
