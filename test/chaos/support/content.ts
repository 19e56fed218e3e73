/**
 * The federated content of a cluster (every GSLBConfig, GDP and GSLBHostRule in avi-system: name and
 * spec, read through the API) and how a follower's differs from the leader's: objects missing on the
 * follower, objects the leader no longer has (a lost delete), objects whose spec differs.
 */
import type { Federation, KubeRest } from '@amko-fed/testing';
import { CHAOS_KINDS, collectionPath, counterOf, objectId } from './objects.ts';

export interface StoredObject {
  /** JSON of the spec with sorted keys. */
  readonly spec: string;
  readonly counter: number | undefined;
}

/** `kind/name` → its spec. */
export type Content = ReadonlyMap<string, StoredObject>;

export const DivergenceKind = { Missing: 'missing', NotDeleted: 'not deleted', Different: 'different' } as const;
export type DivergenceKind = (typeof DivergenceKind)[keyof typeof DivergenceKind];

export interface Divergence {
  readonly follower: string;
  readonly object: string;
  readonly what: DivergenceKind;
  readonly leader: number | undefined;
  readonly onFollower: number | undefined;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Lists the federated kinds of a cluster through its API. */
export async function contentOf(cluster: KubeRest): Promise<Content> {
  const content = new Map<string, StoredObject>();
  for (const kind of CHAOS_KINDS) {
    const list = await cluster.get(collectionPath(kind));
    for (const item of (list?.['items'] as { metadata?: { name?: string }; spec?: unknown }[] | undefined) ?? []) {
      content.set(objectId(kind, item.metadata?.name ?? ''), { spec: canonical(item.spec ?? null), counter: counterOf(kind, item) });
    }
  }
  return content;
}

/** How `follower`'s content differs from the leader's (empty when equal). */
export function divergences(follower: string, leader: Content, onFollower: Content): Divergence[] {
  const found: Divergence[] = [];
  for (const [object, wanted] of leader) {
    const copy = onFollower.get(object);
    if (copy === undefined) found.push({ follower, object, what: DivergenceKind.Missing, leader: wanted.counter, onFollower: undefined });
    else if (copy.spec !== wanted.spec) found.push({ follower, object, what: DivergenceKind.Different, leader: wanted.counter, onFollower: copy.counter });
  }
  for (const [object, copy] of onFollower) {
    if (!leader.has(object)) found.push({ follower, object, what: DivergenceKind.NotDeleted, leader: undefined, onFollower: copy.counter });
  }
  return found;
}

/** Every follower's divergences from the leader, read now. */
export async function federationDivergences(federation: Federation): Promise<{ readonly leader: Content; readonly divergences: Divergence[] }> {
  const [leader, ...followers] = await Promise.all(federation.clusters.map((c) => contentOf(federation.kube(c.name))));
  if (leader === undefined) throw new Error('no leader');
  return { leader, divergences: federation.followers.flatMap((f, i) => divergences(f.name, leader, followers[i] ?? new Map())) };
}
