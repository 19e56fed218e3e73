/**
 * Acting on member check results: the member registry (which replicators follow), the follower
 * queues (an invalid follower's queue is paused, a valid one's resumed) and the member gauges.
 * Queue states are reconciled on every pass, so a failed pause/resume is retried next time.
 * A cluster that left the federation is published as `stop` once and then forgotten: its entry,
 * its gauge, its queue bookkeeping and its replication results go (its queue stays paused).
 */
import { isValidClusterName, type Member } from '@amko-fed/domain';
import type { FollowerQueues, MemberRegistry, ResultsStore } from '@amko-fed/queue';
import type { Logger } from 'pino';
import type { WatcherMetrics } from '../http/metrics.ts';
import {
  leaderRegistryMembers,
  sameMembers,
  stoppedRegistryMembers,
  validityChanges,
  type MembersOutcomeReport,
} from './members-outcome.ts';

export interface MemberSync {
  /** Applies a leader's member check; returns the followers that just became valid. */
  applyLeader(report: MembersOutcomeReport, leader: string, generation: number | undefined, epoch?: number): Promise<readonly string[]>;
  /** This cluster federates nothing: every member stops. */
  applyStopped(memberNames: readonly string[], leader: string, reason: string): Promise<void>;
  /** The followers jobs go to. */
  valid(): readonly string[];
  /** Redis lost its data, or was reconnected to (perhaps another server): the queue states are applied again on the next pass. */
  forgetQueueStates(): void;
}

type QueueState = 'paused' | 'resumed';
type Previous = { readonly leader: string | undefined; readonly members: readonly Member[]; readonly epoch: number | undefined };

export function createMemberSync(options: {
  readonly registry: MemberRegistry;
  readonly queues: FollowerQueues;
  readonly metrics: WatcherMetrics;
  readonly logger: Logger;
  /** Where the results of a forgotten cluster are cleared. */
  readonly results?: Pick<ResultsStore, 'clearResults'>;
}): MemberSync {
  const { registry, queues, metrics } = options;
  const logger = options.logger.child({ component: 'members' });
  let valid: ReadonlySet<string> | undefined;
  const applied = new Map<string, QueueState>();
  const reasons = new Map<string, string>();

  async function readPrevious(): Promise<Previous> {
    try {
      const doc = await registry.readMembers();
      return { leader: doc?.leader, members: doc?.members ?? [], epoch: doc?.epoch };
    } catch (err) {
      logger.warn({ err }, 'Could not read the member registry');
      return { leader: undefined, members: [], epoch: undefined };
    }
  }

  async function reconcileQueues(desired: ReadonlyMap<string, QueueState>): Promise<void> {
    await Promise.all(
      [...desired].map(async ([cluster, state]) => {
        if (applied.get(cluster) === state || !isValidClusterName(cluster)) return;
        try {
          if (state === 'paused') await queues.pause(cluster);
          else await queues.resume(cluster);
          applied.set(cluster, state);
        } catch (err) {
          logger.warn({ err, cluster }, state === 'paused' ? 'Could not pause follower queue' : 'Could not resume follower queue');
        }
      }),
    );
  }

  /** Clusters of the previous document that `members` no longer lists: drop what was kept for them. */
  function forgetDropped(previous: readonly Member[], members: readonly Member[]): void {
    const listed = new Set(members.map((m) => m.cluster));
    for (const { cluster } of previous) {
      if (listed.has(cluster)) continue;
      metrics.memberValid.remove({ cluster });
      applied.delete(cluster);
      options.results?.clearResults(cluster).catch((err: unknown) => logger.warn({ err, cluster }, 'Could not clear the results of a cluster that left the federation'));
    }
  }

  async function publish(leader: string, previous: Previous, members: Member[], generation?: number, epoch?: number): Promise<void> {
    if (!isValidClusterName(leader)) return;
    if (previous.leader === leader && previous.epoch === epoch && sameMembers(previous.members, members)) return;
    try {
      const doc = await registry.publishMembers({
        leader,
        members,
        ...(generation === undefined ? {} : { generation }),
        ...(epoch === undefined ? {} : { epoch }),
      });
      logger.info({ revision: doc.revision, members: members.map((m) => `${m.cluster}=${m.state}`) }, 'Published member registry');
    } catch (err) {
      logger.warn({ err }, 'Could not publish the member registry');
    }
  }

  return {
    async applyLeader(report, leader, generation, epoch) {
      const next = new Set(report.valid);
      const changes = validityChanges(valid, next, report.members);
      valid = next;
      const invalidReasons = new Map(report.invalid.map((f) => [f.cluster, f.message]));
      for (const cluster of changes.becameValid) logger.info({ cluster }, 'Member cluster is valid');
      for (const cluster of report.members) {
        const reason = invalidReasons.get(cluster);
        if (reason !== undefined && reasons.get(cluster) !== reason) logger.warn({ cluster, reason }, 'Member cluster is not valid');
        if (reason === undefined) reasons.delete(cluster);
        else reasons.set(cluster, reason);
      }
      const current = new Set(report.members);
      for (const cluster of reasons.keys()) if (!current.has(cluster)) reasons.delete(cluster);
      const previous = await readPrevious();
      const members = leaderRegistryMembers(report, previous.members);
      const desired = new Map<string, QueueState>();
      for (const m of previous.members) desired.set(m.cluster, 'paused');
      for (const cluster of report.members) desired.set(cluster, next.has(cluster) ? 'resumed' : 'paused');
      await reconcileQueues(desired);
      for (const cluster of desired.keys()) metrics.memberValid.set({ cluster }, next.has(cluster) ? 1 : 0);
      forgetDropped(previous.members, members);
      await publish(leader, previous, members, generation, epoch);
      return changes.becameValid;
    },
    async applyStopped(memberNames, leader, reason) {
      valid = new Set();
      reasons.clear();
      const previous = await readPrevious();
      // Without a clusterContext of its own, this cluster is still the one the last document named.
      const self = leader || previous.leader || '';
      const members = stoppedRegistryMembers(memberNames.filter((name) => name !== self), previous.members, reason);
      await reconcileQueues(new Map(members.map((m) => [m.cluster, 'paused' as const])));
      for (const m of members) metrics.memberValid.set({ cluster: m.cluster }, 0);
      forgetDropped(previous.members, members);
      await publish(self, previous, members, undefined, previous.epoch);
    },
    valid: () => [...(valid ?? [])],
    forgetQueueStates: () => applied.clear(),
  };
}
