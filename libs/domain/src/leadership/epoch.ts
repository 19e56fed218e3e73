/**
 * Leadership epochs and fencing tokens (ARCHITECTURE §2.2): the rules, pure.
 *
 * Every time a cluster becomes leader it takes an epoch greater than any it can see and persists it
 * on its own AMKOCluster (annotation) before it writes anything. Before federating it stamps each
 * follower it reaches with a fencing token (a Lease in avi-system holding the leader's name and
 * epoch, changed only by compare-and-set), and every copy it writes carries its epoch. A leader
 * whose term is outranked by a token or a copy stops: it is stale.
 */
import { AVI_SYSTEM_NAMESPACE, type KindInfo } from '../kinds.ts';
import { LEADER_EPOCH_ANNOTATION, SOURCE_CLUSTER_ANNOTATION } from '../provenance.ts';
/** On the fencing token: the epoch of the leader it names in `spec.holderIdentity`. */
export const FENCE_EPOCH_ANNOTATION = 'federation.amko-fed.io/epoch';
/** The fencing token on every follower: a Lease in avi-system. */
export const FENCE_LEASE_NAME = 'amko-federation-fence';
export const FENCE_LEASE_NAMESPACE = AVI_SYSTEM_NAMESPACE;
/** The token's kind, read and written through the generic object requests (no client-node in the replicator). */
export const FENCE_LEASE_KIND: KindInfo = {
  kind: 'Lease', group: 'coordination.k8s.io', version: 'v1', plural: 'leases', singular: 'lease',
  shortName: undefined, singleton: false, federatedByDefault: false, copiedAnnotations: [],
};

/** One leadership: who led and at which epoch. */
export interface LeaderTerm {
  readonly leader: string;
  readonly epoch: number;
}

interface Annotated {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> | null | undefined } | undefined;
}

function annotation(object: Annotated | undefined, key: string): string | undefined {
  const annotations = object?.metadata?.annotations ?? {};
  const value = Object.hasOwn(annotations, key) ? annotations[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** An epoch as written in an annotation: a positive integer in decimal, else undefined. */
export function parseEpoch(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,14}$/.test(value)) return undefined;
  return Number(value);
}

/** The epoch an AMKOCluster or a copy carries, undefined when it has none (or an unreadable one). */
export function readEpoch(object: Annotated | undefined): number | undefined {
  return parseEpoch(annotation(object, LEADER_EPOCH_ANNOTATION));
}

/** The term of the leader that wrote a copy: its source cluster and epoch; undefined when either is missing. */
export function termOfCopy(object: Annotated | undefined): LeaderTerm | undefined {
  const leader = annotation(object, SOURCE_CLUSTER_ANNOTATION);
  const epoch = readEpoch(object);
  return leader === undefined || leader === '' || epoch === undefined ? undefined : { leader, epoch };
}

/** The shape of a fencing token this code reads (a coordination.k8s.io/v1 Lease). */
export interface FenceLease extends Annotated {
  readonly spec?: { readonly holderIdentity?: string | null | undefined } | null | undefined;
}

/** The term a fencing token holds; undefined when absent or unreadable (then it fences nobody). */
export function termOfFence(lease: FenceLease | undefined): LeaderTerm | undefined {
  const leader = lease?.spec?.holderIdentity;
  const epoch = parseEpoch(annotation(lease, FENCE_EPOCH_ANNOTATION));
  return typeof leader !== 'string' || leader === '' || epoch === undefined ? undefined : { leader, epoch };
}

/** The annotations and holder a token gets when `term` stamps it. */
export function fenceStamp(term: LeaderTerm, now: Date): { readonly annotations: Record<string, string>; readonly holderIdentity: string; readonly renewTime: string } {
  // A Lease's renewTime is a MicroTime: RFC 3339 with exactly six fractional digits.
  const renewTime = now.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return { annotations: { [FENCE_EPOCH_ANNOTATION]: String(term.epoch) }, holderIdentity: term.leader, renewTime };
}

/** True when `a` is a later leadership than `b`: a higher epoch. */
export function outranks(a: LeaderTerm, b: LeaderTerm): boolean {
  return a.epoch > b.epoch;
}

export const FenceVerdict = {
  /** The token already names this term. */
  Held: 'held',
  /** The token is missing or older: this term may stamp it (compare-and-set). */
  Stamp: 'stamp',
  /** The token names a later leadership, or another leader at the same epoch (it won the race). */
  Fenced: 'fenced',
} as const;
export type FenceVerdict = (typeof FenceVerdict)[keyof typeof FenceVerdict];

export type FenceDecision =
  | { readonly verdict: typeof FenceVerdict.Held }
  | { readonly verdict: typeof FenceVerdict.Stamp }
  | { readonly verdict: typeof FenceVerdict.Fenced; readonly by: LeaderTerm };

/**
 * What `self` may do with a follower's token (or with a copy's term, which is checked the same
 * way). An equal epoch held by another leader fences: two leaders that took the same epoch at the
 * same moment race for the token, and the one whose compare-and-set landed first keeps it.
 */
export function decideFence(token: LeaderTerm | undefined, self: LeaderTerm): FenceDecision {
  if (token === undefined || token.epoch < self.epoch) return { verdict: FenceVerdict.Stamp };
  if (token.epoch === self.epoch && token.leader === self.leader) return { verdict: FenceVerdict.Held };
  return { verdict: FenceVerdict.Fenced, by: token };
}

/** The epoch to lead at, and whether it is newly taken (then it must be persisted before any write). */
export type EpochDecision = { readonly epoch: number; readonly taken: boolean };

/**
 * A cluster that already holds an epoch on its AMKOCluster keeps it (a restart or a new watcher
 * replica continues the same leadership); one without takes the next epoch above every epoch it
 * can see (its own fencing token and copies from when it followed, the tokens of reachable
 * members). The annotation is removed whenever the cluster is seen as a follower and by `amko-fed
 * promote`, so each promotion takes a new epoch, while a former leader that comes back still
 * saying isLeader: true keeps its old one and finds itself outranked.
 */
export function decideEpoch(own: number | undefined, seen: Iterable<number | undefined>): EpochDecision {
  if (own !== undefined) return { epoch: own, taken: false };
  let highest = 0;
  for (const epoch of seen) if (epoch !== undefined && epoch > highest) highest = epoch;
  return { epoch: highest + 1, taken: true };
}

/** The replicator's refusal: names the follower, the leader it follows and this leader. */
export function fencedMessage(follower: string, by: LeaderTerm, self: LeaderTerm): string {
  return `fenced: ${follower} follows ${by.leader} at epoch ${by.epoch}; this leader is ${self.leader} at epoch ${self.epoch}`;
}

/** The status reason of a leader that found a later leadership on a member (it federates nothing). */
export function staleLeaderMessage(self: LeaderTerm, by: LeaderTerm, seenOn: string): string {
  return (
    `stale leader: ${by.leader} leads at epoch ${by.epoch} (fencing token on ${seenOn}); this cluster ${self.leader} leads at epoch ${self.epoch}, ` +
    `federation stopped; demote this cluster (isLeader: false) to follow ${by.leader}, or make it the leader again with amko-fed promote`
  );
}
