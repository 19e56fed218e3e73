/**
 * The minimal Kubernetes object: TypeMeta + the ObjectMeta fields this system reads.
 * Unknown fields (in metadata and at the top level: `spec`, `status`, whatever a newer API adds)
 * are preserved, never dropped. `null` in optional metadata (as in `creationTimestamp: null` from
 * `kubectl … -o yaml`) is read as absent.
 */
import { z } from 'zod';

/** An optional field that also accepts `null` and reads it as absent. */
export function nullableOptional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined).optional();
}

export const ownerReferenceSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: nullableOptional(z.boolean()),
  blockOwnerDeletion: nullableOptional(z.boolean()),
});
export type OwnerReference = z.infer<typeof ownerReferenceSchema>;

export const objectMetaSchema = z.looseObject({
  name: z.string(),
  namespace: nullableOptional(z.string()),
  uid: nullableOptional(z.string()),
  resourceVersion: nullableOptional(z.string()),
  generation: nullableOptional(z.int()),
  labels: nullableOptional(z.record(z.string(), z.string())),
  annotations: nullableOptional(z.record(z.string(), z.string())),
  finalizers: nullableOptional(z.array(z.string())),
  ownerReferences: nullableOptional(z.array(ownerReferenceSchema)),
  /** Opaque: only ever dropped from bodies we send, never interpreted. */
  managedFields: nullableOptional(z.array(z.looseObject({}))),
  creationTimestamp: nullableOptional(z.string()),
  deletionTimestamp: nullableOptional(z.string()),
});
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

/**
 * apiVersion and kind are optional: items of some list responses and client-library objects come
 * without them; code that needs them takes them from the kind registry (`apiVersionOf`).
 */
export const kubeObjectSchema = z.looseObject({
  apiVersion: nullableOptional(z.string()),
  kind: nullableOptional(z.string()),
  metadata: objectMetaSchema,
});
export type KubeObject = z.infer<typeof kubeObjectSchema>;
