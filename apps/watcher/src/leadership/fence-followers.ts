/**
 * Stamping the followers before federating (ARCHITECTURE §2.2): every valid follower's fencing
 * token is made to name this leader and epoch (compare-and-set), and the tokens of the other
 * members that answer are read. A token naming a later leadership makes this leader stale: it
 * federates nothing and says so. A valid follower whose token could not be stamped is not
 * federated to (its reason names the error).
 */
import { FenceVerdict, outranks, staleLeaderMessage, type LeaderTerm } from '@amko-fed/domain';
import { readFenceToken, stampFenceToken, type ClusterClient } from '@amko-fed/kube';
import type { Logger } from 'pino';

export type FenceOutcome =
  | { readonly kind: 'stamped' | 'held'; readonly cluster: string }
  | { readonly kind: 'fenced'; readonly cluster: string; readonly by: LeaderTerm }
  | { readonly kind: 'failed'; readonly cluster: string; readonly reason: string };

export interface FencingReport {
  /** Why this leader federates nothing, when a member follows a later leadership. */
  readonly stale: { readonly by: LeaderTerm; readonly on: string; readonly reason: string } | undefined;
  /** Valid followers that could not be stamped, with why. */
  readonly unstamped: ReadonlyMap<string, string>;
}

/**
 * @param valid followers to stamp; @param others members that answered but are not valid (read only).
 */
export async function fenceFollowers(
  self: LeaderTerm,
  valid: ReadonlyMap<string, ClusterClient>,
  others: ReadonlyMap<string, ClusterClient>,
  logger: Logger,
  now: () => Date = () => new Date(),
): Promise<FencingReport> {
  const stamping = [...valid].map(async ([cluster, client]): Promise<FenceOutcome> => {
    try {
      const outcome = await stampFenceToken(client, self, now);
      if (outcome.verdict === FenceVerdict.Fenced) return { kind: 'fenced', cluster, by: outcome.by };
      if (outcome.verdict === 'stamped') logger.info({ cluster, epoch: self.epoch, previous: outcome.previous }, `Stamped the fencing token of ${cluster} with epoch ${self.epoch}`);
      return { kind: outcome.verdict === 'stamped' ? 'stamped' : 'held', cluster };
    } catch (err) {
      return { kind: 'failed', cluster, reason: `could not stamp the fencing token on ${cluster}: ${err instanceof Error ? err.message : String(err)}` };
    }
  });
  const reading = [...others].map(async ([cluster, client]): Promise<FenceOutcome> => {
    try {
      const token = await readFenceToken(client);
      return token !== undefined && outranks(token, self) ? { kind: 'fenced', cluster, by: token } : { kind: 'held', cluster };
    } catch {
      return { kind: 'held', cluster };
    }
  });
  const outcomes = await Promise.all([...stamping, ...reading]);
  const unstamped = new Map<string, string>();
  let stale: FencingReport['stale'];
  for (const outcome of outcomes) {
    if (outcome.kind === 'failed') unstamped.set(outcome.cluster, outcome.reason);
    if (outcome.kind === 'fenced' && (stale === undefined || outranks(outcome.by, stale.by))) {
      stale = { by: outcome.by, on: outcome.cluster, reason: staleLeaderMessage(self, outcome.by, outcome.cluster) };
    }
  }
  return { stale, unstamped };
}
