/**
 * The federated content of an object and its hash. Only what federation copies counts: `spec` and
 * the kind's copied annotations (`KindInfo.copiedAnnotations`). Labels, other annotations, status
 * and server-set metadata never change the hash, and neither does key order.
 */
import { createHash } from 'node:crypto';
import { toCanonicalJson } from './canonical-json.ts';
import type { KindInfo } from './kinds.ts';
import { isNeverCopiedKey } from './never-copied-keys.ts';

/** The part of an object the hash reads (a parsed `KubeObject` or a raw JSON object). */
export interface FederatedContentSource {
  readonly spec?: unknown;
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> | undefined } | undefined;
}

export interface FederatedContent {
  readonly spec: unknown;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * `spec` (null when absent) plus the copied annotations the object carries (never-copied keys
 * excluded, see never-copied-keys.ts).
 */
export function toFederatedContent(object: FederatedContentSource, kindInfo: KindInfo): FederatedContent {
  const annotations: Record<string, string> = {};
  const present = object.metadata?.annotations ?? {};
  for (const key of kindInfo.copiedAnnotations) {
    if (isNeverCopiedKey(key)) continue;
    const value = Object.hasOwn(present, key) ? present[key] : undefined;
    if (typeof value === 'string') annotations[key] = value;
  }
  return { spec: object.spec ?? null, annotations };
}

/** sha256 (lower-case hex) of the canonical JSON of the federated content. */
export function hashFederatedContent(object: FederatedContentSource, kindInfo: KindInfo): string {
  const content = toFederatedContent(object, kindInfo);
  return createHash('sha256').update(toCanonicalJson(content), 'utf8').digest('hex');
}
