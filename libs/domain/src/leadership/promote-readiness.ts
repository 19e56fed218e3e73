/**
 * The promote readiness report (`amko-fed promote --dry-run`, `amko-fed status` on a follower):
 * which follower holds the newest state, and so is the safest to promote. Pure: what was read from
 * each member comes in, rows, per-object verdicts and a recommendation go out.
 *
 * "Newest" compares the copies of one object across the candidates: a higher writer epoch wins;
 * at the same epoch and source cluster, the higher numeric source resourceVersion. Other pairs
 * (two source clusters at one epoch, a resourceVersion that is not a number) are not ordered: their
 * holders are both "newest" and the object shows as diverged. A candidate is behind on an object
 * when another candidate holds a strictly newer copy with other content (same content hash: it
 * loses nothing) or holds one where it has none. An object a candidate holds as its own (no
 * provenance: restored from a backup, as the recovery runbook does before promoting, or made on
 * it) is "local": deliberately there, not compared, never behind.
 */
import type { LeaderTerm } from './epoch.ts';

/** One of our copies as read from a member (its provenance). */
export interface CopySeen {
  /** `<Kind>/<namespace>/<name>`. */
  readonly objectKey: string;
  readonly sourceCluster: string;
  readonly sourceResourceVersion: string;
  readonly contentHash: string | undefined;
  /** The writing leader's epoch; undefined for copies written before epochs (they rank lowest). */
  readonly epoch: number | undefined;
  /** When it was written (ISO time), when stamped. */
  readonly appliedAt: string | undefined;
}

/** What was read from one member of the AMKOCluster's spec.clusters. */
export type MemberSeen =
  | {
    readonly cluster: string;
    readonly reachable: true;
    readonly isLeader: boolean;
    readonly token: LeaderTerm | undefined;
    readonly copies: readonly CopySeen[];
    /** Keys of federated objects it holds without our provenance (restored or made on it). @defaultValue [] */
    readonly local?: readonly string[];
  }
  | { readonly cluster: string; readonly reachable: false; readonly error: string };

export const MemberRole = {
  /** A reachable follower: a promotion candidate. */
  Candidate: 'candidate',
  /** Reachable and says isLeader: true: not a candidate, its objects are the source, not copies. */
  Leader: 'leader',
  /** The leader the newest fencing token names, reachable and no longer isLeader: its own objects carry no provenance. */
  OldLeader: 'old-leader',
  Unreachable: 'unreachable',
} as const;
export type MemberRole = (typeof MemberRole)[keyof typeof MemberRole];

export type MemberReadiness =
  | {
    readonly cluster: string;
    readonly role: typeof MemberRole.Candidate | typeof MemberRole.Leader | typeof MemberRole.OldLeader;
    /** The leadership it last followed (its fencing token). */
    readonly token: LeaderTerm | undefined;
    readonly copies: number;
    /** The newest `appliedAt` of its copies; undefined when it has none or none is stamped. */
    readonly lastChangeAt: string | undefined;
    /** Objects on which it is behind another candidate (candidates only). */
    readonly behind: readonly string[];
  }
  | { readonly cluster: string; readonly role: typeof MemberRole.Unreachable; readonly error: string; readonly oldLeader: boolean };

export const CopyState = {
  /** No other candidate holds a newer copy. */
  Newest: 'newest',
  /** Older provenance, but the content hash of a newest copy: nothing is lost. */
  SameContent: 'same-content',
  Older: 'older',
  Missing: 'missing',
  /** Held as its own object, not as a copy (restored from a backup, or made on it): not compared. */
  Local: 'local',
} as const;
export type CopyState = (typeof CopyState)[keyof typeof CopyState];

/** A version of an object: who wrote it, from which leader resourceVersion, with which content. */
export interface CopyVersion {
  readonly sourceCluster: string;
  readonly sourceResourceVersion: string;
  readonly contentHash: string | undefined;
  readonly epoch: number | undefined;
}

export interface ObjectReadiness {
  readonly objectKey: string;
  /** The newest versions: one, or several unordered ones (diverged). */
  readonly newest: readonly CopyVersion[];
  readonly diverged: boolean;
  /** Per candidate, in the order of the members. */
  readonly states: readonly { readonly cluster: string; readonly state: CopyState }[];
}

/** A candidate lacking the newest state of an object, and the candidates that hold it. */
export interface BehindEntry {
  readonly cluster: string;
  readonly objectKey: string;
  readonly state: typeof CopyState.Older | typeof CopyState.Missing;
  readonly newerOn: readonly string[];
}

export interface PromoteReadiness {
  readonly members: readonly MemberReadiness[];
  readonly objects: readonly ObjectReadiness[];
  readonly behind: readonly BehindEntry[];
  /** Candidates behind on nothing, safest first (highest token epoch, then latest change, then name). */
  readonly safest: readonly string[];
  readonly recommendation: readonly string[];
}

function versionOf(copy: CopySeen): CopyVersion {
  return { sourceCluster: copy.sourceCluster, sourceResourceVersion: copy.sourceResourceVersion, contentHash: copy.contentHash, epoch: copy.epoch };
}

function sameVersion(a: CopyVersion, b: CopyVersion): boolean {
  return a.sourceCluster === b.sourceCluster && a.sourceResourceVersion === b.sourceResourceVersion && a.contentHash === b.contentHash;
}

function numericRv(rv: string): bigint | undefined {
  return /^[0-9]{1,30}$/.test(rv) ? BigInt(rv) : undefined;
}

/** True when `a` is a strictly newer copy than `b`. */
export function isNewerCopy(a: CopyVersion, b: CopyVersion): boolean {
  const ea = a.epoch ?? 0;
  const eb = b.epoch ?? 0;
  if (ea !== eb) return ea > eb;
  if (a.sourceCluster !== b.sourceCluster) return false;
  const ra = numericRv(a.sourceResourceVersion);
  const rb = numericRv(b.sourceResourceVersion);
  return ra !== undefined && rb !== undefined && ra > rb;
}

function latest(times: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const t of times) if (t !== undefined && !Number.isNaN(Date.parse(t)) && (best === undefined || Date.parse(t) > Date.parse(best))) best = t;
  return best;
}

/** The leader the highest-epoch fencing token names (the one that led last), if any token is readable. */
function lastLeaderOf(members: readonly MemberSeen[]): string | undefined {
  let top: LeaderTerm | undefined;
  for (const m of members) if (m.reachable && m.token !== undefined && (top === undefined || m.token.epoch > top.epoch)) top = m.token;
  return top?.leader;
}

function roleOf(member: MemberSeen & { reachable: true }, lastLeader: string | undefined): MemberRole {
  if (member.isLeader) return MemberRole.Leader;
  return member.cluster === lastLeader ? MemberRole.OldLeader : MemberRole.Candidate;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/** The report over every member read (in the order given); candidates are the reachable followers. */
export function assessPromoteReadiness(members: readonly MemberSeen[]): PromoteReadiness {
  const lastLeader = lastLeaderOf(members);
  const candidates = members.filter((m): m is MemberSeen & { reachable: true } => m.reachable && roleOf(m, lastLeader) === MemberRole.Candidate);
  const copyOf = (cluster: string, key: string): CopySeen | undefined => candidates.find((c) => c.cluster === cluster)?.copies.find((copy) => copy.objectKey === key);
  const keys = [...new Set(candidates.flatMap((c) => c.copies.map((copy) => copy.objectKey)))].sort();

  const objects: ObjectReadiness[] = [];
  const behind: BehindEntry[] = [];
  for (const key of keys) {
    const held = candidates.flatMap((c) => {
      const copy = copyOf(c.cluster, key);
      return copy === undefined ? [] : [{ cluster: c.cluster, version: versionOf(copy) }];
    });
    const newest: CopyVersion[] = [];
    for (const { version } of held) {
      if (held.some((other) => isNewerCopy(other.version, version))) continue;
      if (!newest.some((v) => sameVersion(v, version))) newest.push(version);
    }
    const states = candidates.map((c) => {
      const mine = held.find((h) => h.cluster === c.cluster)?.version;
      const newerOn = held.filter((h) => h.cluster !== c.cluster && (mine === undefined || (isNewerCopy(h.version, mine) && h.version.contentHash !== mine.contentHash)));
      let state: CopyState;
      if (mine === undefined && (c.local ?? []).includes(key)) state = CopyState.Local;
      else if (mine === undefined) state = CopyState.Missing;
      else if (newerOn.length > 0) state = CopyState.Older;
      else if (held.some((h) => isNewerCopy(h.version, mine))) state = CopyState.SameContent;
      else state = CopyState.Newest;
      if (state === CopyState.Missing || state === CopyState.Older) behind.push({ cluster: c.cluster, objectKey: key, state, newerOn: newerOn.map((h) => h.cluster) });
      return { cluster: c.cluster, state };
    });
    objects.push({ objectKey: key, newest, diverged: newest.length > 1, states });
  }

  const rows: MemberReadiness[] = members.map((m) => {
    if (!m.reachable) return { cluster: m.cluster, role: MemberRole.Unreachable, error: m.error, oldLeader: m.cluster === lastLeader };
    const role = roleOf(m, lastLeader) as Exclude<MemberRole, typeof MemberRole.Unreachable>;
    return {
      cluster: m.cluster, role, token: m.token, copies: m.copies.length, lastChangeAt: latest(m.copies.map((c) => c.appliedAt)),
      behind: behind.filter((b) => b.cluster === m.cluster).map((b) => b.objectKey),
    };
  });
  const rank = (c: MemberSeen & { reachable: true }) => ({ epoch: c.token?.epoch ?? 0, at: Date.parse(latest(c.copies.map((x) => x.appliedAt)) ?? '') || 0 });
  const safest = candidates
    .filter((c) => !behind.some((b) => b.cluster === c.cluster))
    .sort((a, b) => rank(b).epoch - rank(a).epoch || rank(b).at - rank(a).at || a.cluster.localeCompare(b.cluster))
    .map((c) => c.cluster);
  return { members: rows, objects, behind, safest, recommendation: recommend(candidates.map((c) => c.cluster), keys.length, behind, safest) };
}

function recommend(candidates: readonly string[], objectCount: number, behind: readonly BehindEntry[], safest: readonly string[]): string[] {
  if (candidates.length === 0) return ['no reachable follower to compare: nothing to recommend'];
  if (objectCount === 0) return [`no reachable follower holds a federated copy: ${listed(candidates)} ${candidates.length === 1 ? 'is' : 'are'} equally ready (restore a backup onto the one you promote)`];
  const lines: string[] = [];
  const best = safest[0];
  if (best !== undefined) {
    lines.push(safest.length === 1
      ? `${best} is the safest to promote: it holds the newest copy of every object`
      : `${listed(safest)} hold the newest copy of every object; ${best} followed the latest leadership and is the safest to promote`);
  } else {
    const fewest = [...candidates].sort((a, b) => behind.filter((x) => x.cluster === a).length - behind.filter((x) => x.cluster === b).length || a.localeCompare(b))[0] ?? '';
    lines.push(`no reachable follower holds the newest copy of every object; ${fewest} lacks the fewest (${behind.filter((x) => x.cluster === fewest).length}): restore the others from a backup onto the one you promote, or promote with --force`);
  }
  for (const cluster of candidates) {
    const lacking = behind.filter((b) => b.cluster === cluster);
    if (lacking.length === 0) continue;
    const holder = best ?? lacking[0]?.newerOn[0] ?? '';
    const fromHolder = lacking.filter((b) => b.newerOn.includes(holder));
    if (fromHolder.length > 0) lines.push(`${holder} holds the newest state of ${count(fromHolder.length, 'object')} that ${cluster} lacks: ${fromHolder.map((b) => b.objectKey).join(', ')}`);
    const rest = lacking.filter((b) => !b.newerOn.includes(holder));
    for (const b of rest) lines.push(`${listed(b.newerOn)} ${b.newerOn.length === 1 ? 'holds' : 'hold'} the newest state of ${b.objectKey} that ${cluster} lacks`);
  }
  return lines;
}

/**
 * Why `target` should not be promoted: the objects on which another candidate holds a newer copy,
 * and the candidate to promote instead. Undefined when it is behind on nothing (or not a candidate).
 */
export function promotionBehind(readiness: PromoteReadiness, target: string): { readonly objects: readonly BehindEntry[]; readonly better: string | undefined } | undefined {
  const objects = readiness.behind.filter((b) => b.cluster === target);
  if (objects.length === 0) return undefined;
  return { objects, better: readiness.safest[0] ?? objects[0]?.newerOn[0] };
}
