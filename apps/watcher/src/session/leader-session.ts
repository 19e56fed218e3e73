/**
 * What the replica holding the Lease does: decide this cluster's role from its AMKOCluster (on
 * every AMKOCluster change and every MEMBER_CHECK_INTERVAL), check the members when it is the
 * leader, run federation while it is, and keep the AMKOCluster status current. Passes never
 * overlap; requests during a pass coalesce into one more pass.
 */
import { AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, NO_AMKOCLUSTER_MESSAGE, NOT_A_LEADER_REASON, memberNames } from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import type { RedisReadiness } from '@amko-fed/queue';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { WatcherConfig } from '../config.ts';
import { RoleMetric, type WatcherMetrics } from '../http/metrics.ts';
import { checkMembers } from '../members/check-members.ts';
import type { MemberClients } from '../members/member-clients.ts';
import { createMemberSync } from '../members/member-sync.ts';
import type { MembersKubeconfigSource } from '../members/members-kubeconfig.ts';
import type { MembersOutcomeReport } from '../members/members-outcome.ts';
import type { WatcherStores } from '../ports.ts';
import { createUnreachableProbe } from '../members/unreachable-probe.ts';
import { dropFollowerEpoch } from '../leadership/leader-epoch.ts';
import { applyLeadership } from '../leadership/leadership-step.ts';
import { decideRole, Role, sameRole, type RoleDecision } from '../role/decide-role.ts';
import { createRoleWatch } from '../role/role-watch.ts';
import { createStatus } from '../status/status.ts';
import { createFederation, type Federation } from './federation.ts';

export interface LeaderSessionDeps {
  readonly config: WatcherConfig;
  readonly logger: Logger;
  readonly local: ClusterClient;
  readonly stores: WatcherStores;
  /** Whether the stores answer now (leader work waits for them). */
  storesReady(): Promise<RedisReadiness>;
  readonly metrics: WatcherMetrics;
  readonly memberClients: MemberClients;
  readonly membersSource: MembersKubeconfigSource;
  /** The time source of federation (retries, retention, scheduled backups). @defaultValue the system clock */
  readonly clock?: Clock;
}

export interface SessionHealth {
  readonly role: RoleDecision['role'] | 'starting';
  /** Why nothing is federated, when that is the case. */
  readonly reason: string | undefined;
  /** Informers of the federated kinds have listed (true when not federating). */
  readonly synced: boolean;
  readonly validFollowers: readonly string[];
  /** Resyncs completed since this replica started leading. */
  readonly resyncs: number;
}

export interface LeaderSession {
  start(): void;
  stop(): Promise<void>;
  /** Redis came back: re-publish and resync. */
  redisRecovered(): void;
  health(): SessionHealth;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createLeaderSession(deps: LeaderSessionDeps): LeaderSession {
  const { config, local, metrics, stores } = deps;
  const logger = deps.logger.child({ component: 'role' });
  const members = createMemberSync({ registry: stores.registry, queues: stores.queues, metrics, logger: deps.logger, results: stores.results });
  let decision: RoleDecision | undefined;
  let report: MembersOutcomeReport | undefined;
  /** The epoch of this leadership, once taken (leadership epochs). */
  let epoch: number | undefined;
  let federation: Federation | undefined;
  let stopped = false;
  let started: Promise<void> = Promise.resolve();
  let pass: Promise<void> | undefined;
  let again = false;
  let retrySoon = false;
  let checkTimer: NodeJS.Timeout | undefined;

  const status = createStatus({ client: local, debounceMs: config.statusDebounceMs, logger: deps.logger });
  // Members that failed to answer are probed every second: one that is back gets a member check at once.
  const unreachable = createUnreachableProbe({
    answers: async (cluster) => {
      const client = deps.memberClients.get(cluster);
      if (client === undefined) return false;
      try {
        await client.list(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE);
        return true;
      } catch {
        return false;
      }
    },
    onAnswer: () => evaluate(),
  });
  const roleWatch = createRoleWatch({
    client: local,
    namespace: config.podNamespace,
    logger: deps.logger,
    onChange: () => evaluate(),
    onStatus: (target, conditions) => status.observe(target, conditions),
  });

  function startFederation(): void {
    if (federation !== undefined) return;
    federation = createFederation({
      local,
      kinds: config.federatedKinds,
      resyncIntervalMs: config.resyncIntervalMs,
      failedRetryBaseMs: config.failedRetryBaseMs,
      log: stores.log,
      queues: stores.queues,
      results: stores.results,
      metrics,
      logger: deps.logger,
      validFollowers: () => members.valid(),
      backup: config.backup,
      ...(deps.clock === undefined ? {} : { now: () => (deps.clock as Clock)().getTime() }),
      leaderName: () => (decision?.role === Role.Leader ? decision.spec.clusterContext : undefined),
      epoch: () => epoch,
      clientOf: (cluster) => deps.memberClients.get(cluster),
      onStatusChange: () => status.schedule(),
      // The member registry and queue states lived in the lost data set: the next pass writes them again.
      onStoreLost: () => {
        members.forgetQueueStates();
        evaluate();
      },
    });
    status.setFederation(federation);
    // In the background: loading the projection waits for Redis, role and member checks must not.
    const starting = federation;
    starting.start().catch((err: unknown) => logger.error({ err }, 'Could not start federation'));
  }

  async function stopFederation(): Promise<void> {
    const running = federation;
    federation = undefined;
    status.setFederation(undefined);
    await running?.stop();
  }

  async function passOnce(): Promise<void> {
    let listed;
    try {
      listed = await local.list(AMKO_CLUSTER_KIND, undefined);
    } catch (err) {
      logger.warn({ err }, 'Could not list AMKOClusters, retrying');
      retrySoon = true;
      return;
    }
    const next = decideRole(listed.items, config.podNamespace);
    if (!sameRole(decision, next)) logger.info({ role: next.role, ...('reason' in next ? { reason: next.reason } : {}) }, `Role is ${next.role}`);
    decision = next;
    status.setRole(next);
    metrics.setRole(next.role === Role.TooMany ? RoleMetric.invalid : next.role);
    if (next.role === Role.Leader) {
      const checked = await checkMembers({ source: deps.membersSource, clients: deps.memberClients }, next.spec);
      const leadership = await applyLeadership(
        { local, kinds: config.federatedKinds, memberClients: deps.memberClients, metrics, logger },
        next,
        checked,
        { epoch, stopReason: report?.stopReason },
      );
      const fenced = leadership.report;
      epoch = leadership.epoch;
      if (leadership.retrySoon) retrySoon = true;
      report = fenced;
      status.setMembers(fenced);
      unreachable.watch(checked.unreachable);
      metrics.leaderEpoch.set(epoch ?? 0);
      const becameValid = await members.applyLeader(fenced, next.spec.clusterContext, next.generation, epoch);
      // A federation that starts now resyncs everything once its informers listed.
      const wasFederating = federation !== undefined;
      if (!stopped) startFederation();
      if (wasFederating && becameValid.length > 0) federation?.resync.request(becameValid);
    } else {
      report = undefined;
      epoch = undefined;
      metrics.leaderEpoch.set(0);
      metrics.staleLeader.set(0);
      if (next.role === Role.Follower && next.epoch !== undefined) {
        await dropFollowerEpoch(local, next.target, logger).catch((err: unknown) => logger.warn({ err }, 'Could not remove the leadership epoch of this follower, retrying'));
      }
      status.setMembers(undefined);
      unreachable.watch([]);
      await stopFederation();
      const names = next.role === Role.Follower || next.role === Role.Invalid ? memberNames(next) : [];
      const context = next.role === Role.Follower || next.role === Role.Invalid ? next.clusterContext : '';
      const reason = next.role === Role.Follower ? NOT_A_LEADER_REASON : next.role === Role.None ? NO_AMKOCLUSTER_MESSAGE : next.reason;
      await members.applyStopped(names, context, reason);
    }
    status.schedule();
  }

  function scheduleCheck(delayMs: number): void {
    clearTimeout(checkTimer);
    if (!stopped) checkTimer = setTimeout(() => evaluate(), delayMs);
  }

  /**
   * Requests a pass; passes never overlap. The next periodic check is armed when a pass ends, so a
   * slow pass (a member at its request timeout) never stops the periodic checks.
   */
  function evaluate(): void {
    if (stopped) return;
    if (pass !== undefined) {
      again = true;
      return;
    }
    clearTimeout(checkTimer);
    pass = (async () => {
      do {
        again = false;
        try {
          await passOnce();
        } catch (err) {
          logger.error({ err }, 'Role and member check failed');
        }
      } while (again && !stopped);
    })().finally(() => {
      pass = undefined;
      scheduleCheck(retrySoon ? Math.min(config.memberCheckIntervalMs, 1_000) : config.memberCheckIntervalMs);
      retrySoon = false;
    });
  }

  async function waitForRedis(): Promise<void> {
    for (let attempt = 0; !stopped; attempt += 1) {
      const readiness = await deps.storesReady();
      if (readiness.ready) return;
      if (attempt % 10 === 0) logger.warn({ reason: readiness.reason }, 'Waiting for Redis before taking up leader work');
      await sleep(Math.min(5_000, 100 * 2 ** attempt));
    }
  }

  return {
    start() {
      started = (async () => {
        await waitForRedis();
        if (stopped) return;
        await roleWatch.start();
        evaluate();
      })();
    },
    async stop() {
      stopped = true;
      clearTimeout(checkTimer);
      unreachable.stop();
      await started;
      await roleWatch.stop();
      await pass;
      await status.stop();
      await stopFederation();
    },
    redisRecovered() {
      if (stopped) return;
      // The server reached now may not hold the pauses and resumes applied before (a failover that
      // lost them leaves the seq counter as it was): the next pass applies every queue's state again.
      members.forgetQueueStates();
      evaluate();
      // Redis may have come back without its data (restart without AOF): checked before resyncing.
      const running = federation;
      void running?.checkStore().then(() => running.resync.request());
    },
    health: () => ({
      role: decision?.role ?? 'starting',
      reason: decision === undefined ? undefined : decision.role === Role.Leader ? report?.stopReason : 'reason' in decision ? decision.reason : NOT_A_LEADER_REASON,
      synced: federation === undefined ? true : federation.capture.synced(),
      validFollowers: members.valid(),
      resyncs: federation?.resync.completed() ?? 0,
    }),
  };
}
