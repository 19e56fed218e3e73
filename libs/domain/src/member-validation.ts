/**
 * Member cluster validation (reference §4): per member, first failing check wins —
 * no client → skip; AMKOCluster list failed → skip; ANY listed AMKOCluster is a leader → stop
 * everything; more than one → skip; none → skip; version differs (exact string compare) → skip.
 * The facts come from the kube adapter, which lists AMKOClusters in avi-system on the member and
 * passes the items as returned (they are parsed here).
 * Members' clusterContext/clusters are not checked (as in AMKO).
 */
import { z } from 'zod';
import {
  amkoClusterListFailedMessage,
  clientUnavailableMessage,
  memberIsAlsoLeaderMessage,
  noMemberAMKOClusterMessage,
  tooManyMemberAMKOClustersMessage,
  versionMismatchMessage,
} from './amko-messages.ts';
import type { AMKOCluster } from './schemas/amko-cluster.ts';
import { parseAMKOCluster } from './schemas/federated-object.ts';
import { parseWith } from './schemas/parse-result.ts';

export const MemberObservation = { NoClient: 'no-client', ListFailed: 'list-failed', Listed: 'listed' } as const;
export type MemberObservation = (typeof MemberObservation)[keyof typeof MemberObservation];

/** What was observed on one member. */
export type MemberFacts =
  /** No client could be built for the member. */
  | { readonly observation: typeof MemberObservation.NoClient; readonly cluster: string }
  /** Listing AMKOClusters in avi-system failed (unreachable, CRD absent, forbidden…); `error` must hold no secret. */
  | { readonly observation: typeof MemberObservation.ListFailed; readonly cluster: string; readonly error: string }
  /** The AMKOClusters listed in the member's avi-system, as returned (raw JSON is fine). */
  | { readonly observation: typeof MemberObservation.Listed; readonly cluster: string; readonly amkoClusters: readonly unknown[] };

export const MemberOutcome = { Valid: 'valid', Skip: 'skip', StopAll: 'stop-all' } as const;
export type MemberOutcome = (typeof MemberOutcome)[keyof typeof MemberOutcome];

export type MemberValidation =
  | { readonly outcome: typeof MemberOutcome.Valid; readonly cluster: string }
  | { readonly outcome: typeof MemberOutcome.Skip; readonly cluster: string; readonly reason: string }
  /** Another leader: federation stops for every member (AMKO semantics). */
  | { readonly outcome: typeof MemberOutcome.StopAll; readonly cluster: string; readonly reason: string };

const memberFactsSchema = z.discriminatedUnion('observation', [
  z.object({ observation: z.literal(MemberObservation.NoClient), cluster: z.string() }),
  z.object({ observation: z.literal(MemberObservation.ListFailed), cluster: z.string(), error: z.string() }),
  z.object({ observation: z.literal(MemberObservation.Listed), cluster: z.string(), amkoClusters: z.array(z.unknown()) }),
]);

/**
 * Validates one member against this AMKO's version. Never throws: facts that do not have one of
 * the shapes above give `skip` with a reason naming the field.
 */
export function validateMember(facts: MemberFacts, currentVersion: string): MemberValidation {
  const parsed = parseWith(memberFactsSchema, facts, 'member facts');
  if (!parsed.ok) {
    const cluster = facts !== null && typeof facts === 'object' && typeof facts.cluster === 'string' ? facts.cluster : '';
    return { outcome: MemberOutcome.Skip, cluster, reason: parsed.message };
  }
  const observed = parsed.value;
  const { cluster } = observed;
  const skip = (reason: string): MemberValidation => ({ outcome: MemberOutcome.Skip, cluster, reason });
  switch (observed.observation) {
    case MemberObservation.NoClient:
      return skip(clientUnavailableMessage(cluster));
    case MemberObservation.ListFailed:
      return skip(amkoClusterListFailedMessage(cluster, observed.error));
    case MemberObservation.Listed: {
      // An object that does not decode fails AMKO's List call as a whole: same message, skip.
      const list: AMKOCluster[] = [];
      for (const item of observed.amkoClusters) {
        const parsedItem = parseAMKOCluster(item);
        if (!parsedItem.ok) return skip(amkoClusterListFailedMessage(cluster, parsedItem.message));
        list.push(parsedItem.value);
      }
      if (list.some((item) => item.spec?.isLeader === true)) {
        return { outcome: MemberOutcome.StopAll, cluster, reason: memberIsAlsoLeaderMessage(cluster) };
      }
      if (list.length > 1) return skip(tooManyMemberAMKOClustersMessage(cluster));
      const only = list[0];
      if (only === undefined) return skip(noMemberAMKOClusterMessage(cluster));
      const theirs = only.spec?.version ?? '';
      if (theirs !== currentVersion) return skip(versionMismatchMessage(currentVersion, cluster, theirs));
      return { outcome: MemberOutcome.Valid, cluster };
    }
    default: {
      const _exhaustive: never = observed;
      return skip('unknown member observation');
    }
  }
}

export const MembersOutcome = { Validated: 'validated', StopAll: 'stop-all' } as const;
export type MembersOutcome = (typeof MembersOutcome)[keyof typeof MembersOutcome];

export interface SkippedMember {
  readonly cluster: string;
  readonly reason: string;
}

export type MembersValidation =
  /**
   * Every member checked. `valid` may be empty: AMKO then stops the pass with
   * `no valid clusters left to federate on` and writes no federation conditions.
   */
  | { readonly outcome: typeof MembersOutcome.Validated; readonly valid: readonly string[]; readonly skipped: readonly SkippedMember[] }
  /** A member is also a leader: later members are not checked and skips are dropped (AMKO). */
  | { readonly outcome: typeof MembersOutcome.StopAll; readonly cluster: string; readonly reason: string };

/** Validates members in order; the first stop-all aborts. */
export function validateMembers(list: readonly MemberFacts[], currentVersion: string): MembersValidation {
  const valid: string[] = [];
  const skipped: SkippedMember[] = [];
  for (const facts of Array.isArray(list) ? list : []) {
    const result = validateMember(facts, currentVersion);
    switch (result.outcome) {
      case MemberOutcome.Valid:
        valid.push(result.cluster);
        break;
      case MemberOutcome.Skip:
        skipped.push({ cluster: result.cluster, reason: result.reason });
        break;
      case MemberOutcome.StopAll:
        return { outcome: MembersOutcome.StopAll, cluster: result.cluster, reason: result.reason };
      default: {
        const _exhaustive: never = result;
      }
    }
  }
  return { outcome: MembersOutcome.Validated, valid, skipped };
}
