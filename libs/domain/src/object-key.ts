/**
 * Object keys: the identity of a federated object, `<Kind>/<namespace>/<name>`
 * (e.g. `GSLBConfig/avi-system/gc-1`). Kind names contain no `/`, and Kubernetes names and
 * namespaces are DNS labels/subdomains, so the key splits unambiguously.
 */
import { isFederatedKind, type FederatedKind } from './kinds.ts';

export type ObjectKey = `${FederatedKind}/${string}/${string}`;

export interface ObjectRef {
  readonly kind: FederatedKind;
  readonly namespace: string;
  readonly name: string;
}

export function toObjectKey(ref: ObjectRef): ObjectKey {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** Parses a key; undefined when it is not `<FederatedKind>/<namespace>/<name>`. */
export function parseObjectKey(key: string): ObjectRef | undefined {
  const parts = key.split('/');
  if (parts.length !== 3) return undefined;
  const [kind, namespace, name] = parts as [string, string, string];
  if (!isFederatedKind(kind) || namespace === '' || name === '') return undefined;
  return { kind, namespace, name };
}
