/**
 * The GSLBConfig / GDP (/ GSLBHostRule) Federation steps, from the replicators' results:
 * - a leader-side problem of the kind (cannot list it, more than one singleton) → hard failure
 *   (`failure in federation` + AMKO's message);
 * - otherwise, for every valid follower and every object of the kind the projection knows, the
 *   follower's sync state (`syncStateOf`, libs/domain: the latest result counts once its seq has
 *   reached the projection's; pending counts as not failed) is `failed` → a ClusterFailure naming
 *   the cluster and the reason → `error in federating to some clusters`;
 * - likewise a difference a resync found on a follower (missing, other content, being deleted, or
 *   an object the leader does not have) until a result at the reconciled seq or later arrives (and
 *   was received after the follower was listed, so an older result cannot clear a new drift): the
 *   status never says success while a follower is known to differ from the leader (a stopped
 *   replicator or lost jobs show here instead of hiding behind "pending");
 * - a kind the last resync could not list on a follower (RBAC, an error answer): objects only that
 *   follower holds, such as copies of objects the leader deleted while it was away, cannot be
 *   found there, so the status does not claim success for that kind and follower until a listing
 *   succeeds (the follower is listed again after a back-off, resync.ts);
 * - no counted failure → `federated to all valid clusters successfully`.
 */
import { followerListFailedMessage, parseObjectKey, StepOutcome, SyncState, syncStateOf, type ClusterFailure, type FederatedKind, type FederationResults, type ObjectKey, type StepResult } from '@amko-fed/domain';

const PENDING_MESSAGES = {
  missing: 'missing on the follower',
  differs: 'differs from the leader on the follower',
  deleting: 'being deleted on the follower',
  extra: 'on the follower but not on the leader',
} as const;

/** What the aggregator keeps of a follower's latest result for one object. */
export interface ResultSummary {
  readonly seq: number;
  /** When the result was recorded (ms since the epoch, from the record's ISO time). */
  readonly atMs: number;
  readonly failed: boolean;
  readonly message: string | undefined;
  /** When the watcher received it (its own clock, ms). */
  readonly seenMs: number;
}

export interface FederationStepsInput {
  readonly kinds: readonly FederatedKind[];
  readonly validFollowers: readonly string[];
  /** The projection: seq per object key. */
  readonly projection: Iterable<[ObjectKey, { readonly seq: number }]>;
  result(cluster: string, key: ObjectKey): ResultSummary | undefined;
  /** A reconcile a resync enqueued because the follower differed (see resync.ts). */
  pending?(cluster: string, key: ObjectKey): { readonly why: string; readonly seq: number; readonly sinceMs: number } | undefined;
  /** The kinds the last resync could not list on a follower, and why (undefined: it was listed). */
  unlisted?(cluster: string): ReadonlyMap<FederatedKind, string> | undefined;
  /** Leader-side hard failures per kind. */
  readonly leaderProblems: ReadonlyMap<FederatedKind, string>;
}

export function federationSteps(input: FederationStepsInput): FederationResults {
  const failures = new Map<FederatedKind, ClusterFailure[]>(input.kinds.map((k) => [k, []]));
  for (const [key, entry] of input.projection) {
    const kind = parseObjectKey(key)?.kind;
    const list = kind === undefined ? undefined : failures.get(kind);
    if (list === undefined) continue;
    for (const cluster of input.validFollowers) {
      const result = input.result(cluster, key);
      if (result !== undefined && syncStateOf(entry, result) === SyncState.failed) {
        list.push({ cluster, message: `${key}: ${result.message ?? 'failed'}` });
        continue;
      }
      const pending = input.pending?.(cluster, key);
      if (pending !== undefined && (result === undefined || result.seq < pending.seq || result.seenMs < pending.sinceMs)) {
        list.push({ cluster, message: `${key}: ${PENDING_MESSAGES[pending.why as keyof typeof PENDING_MESSAGES] ?? 'differs from the leader'}, not reconciled yet` });
      }
    }
  }
  for (const cluster of input.validFollowers) {
    for (const [kind, cause] of input.unlisted?.(cluster) ?? []) failures.get(kind)?.push({ cluster, message: followerListFailedMessage(kind, cause) });
  }
  const steps: { -readonly [K in FederatedKind]?: StepResult } = {};
  for (const kind of input.kinds) {
    const problem = input.leaderProblems.get(kind);
    const kindFailures = failures.get(kind) ?? [];
    if (problem !== undefined) steps[kind] = { outcome: StepOutcome.Failed, reason: problem };
    else if (kindFailures.length > 0) steps[kind] = { outcome: StepOutcome.PartlyFailed, failures: kindFailures };
    else steps[kind] = { outcome: StepOutcome.Succeeded };
  }
  return steps;
}

/** Whether `next` replaces `current` as the latest result (higher seq, or same seq and not older). */
export function isNewerResult(current: ResultSummary | undefined, next: ResultSummary): boolean {
  if (current === undefined) return true;
  if (next.seq !== current.seq) return next.seq > current.seq;
  return next.atMs >= current.atMs;
}
