/**
 * `amko-fed promote` and `amko-fed demote`: the seed's disaster-recovery runbook. Promote sets the
 * new leader's GSLBConfig `spec.gslbLeader.controllerIP` (when given) and, in one write, its
 * AMKOCluster `spec.isLeader: true` without the leader-epoch annotation (so it takes a new epoch).
 * It refuses while another reachable member still says `isLeader: true`, and when another reachable
 * follower holds newer copies than the target (promote-readiness.ts), unless forced.
 * Demote sets `spec.isLeader: false` on an old leader that came back.
 */
import { isIP } from 'node:net';
import {
  AMKO_CLUSTER_KIND,
  AVI_SYSTEM_NAMESPACE,
  CopyState,
  decidePromotion,
  FEDERATED_KINDS,
  LEADER_EPOCH_ANNOTATION,
  promotionBehind,
  readEpoch,
  type MemberLeadership,
  type MemberSeen,
  type PromoteReadiness,
} from '@amko-fed/domain';
import { readAMKOCluster } from '../amko-cluster-access.ts';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import type { KubeAccess } from '../kube-access.ts';
import { readPromoteReadiness } from './promote-readiness.ts';

export interface PromoteOptions {
  readonly controllerIp?: string | undefined;
  readonly dryRun: boolean;
  /** Promote despite another reachable leader, and despite a follower holding newer copies. */
  readonly force: boolean;
}

export interface LeadershipReport {
  readonly cluster: string;
  readonly changes: readonly string[];
  readonly warnings: readonly string[];
  readonly applied: boolean;
  /** Promote: the readiness of every member (the dry run shows it). */
  readonly readiness?: PromoteReadiness | undefined;
  /** A dry run that a real promote would refuse: why (the command then exits 1). */
  readonly refusal?: string | undefined;
}

function leadershipOf(member: MemberSeen): MemberLeadership {
  return member.reachable ? { cluster: member.cluster, reachable: true, isLeader: member.isLeader } : member;
}

/** Why the target lacks the newest state, as a refusal (unforced) or a warning (forced); undefined when it does not. */
function behindMessage(readiness: PromoteReadiness, target: string, force: boolean): string | undefined {
  const behind = promotionBehind(readiness, target);
  if (behind === undefined) return undefined;
  const objects = behind.objects.map((b) => `${b.objectKey} (${b.state === CopyState.Missing ? 'missing' : 'older'} on ${target}; newer on ${b.newerOn.join(', ')})`).join(', ');
  if (force) return `forced: ${target} lacks the newest state of ${behind.objects.length} object(s) another reachable follower holds: ${objects}`;
  return `${target} lacks the newest state of ${behind.objects.length} object(s) that another reachable follower holds: ${objects}; ` +
    `promote ${behind.better ?? 'that follower'} instead ("amko-fed --context ${behind.better ?? '<follower>'} promote"), or pass --force to promote ${target} anyway`;
}

export async function promote(kube: KubeAccess, options: PromoteOptions): Promise<LeadershipReport> {
  if (options.controllerIp !== undefined && isIP(options.controllerIp) === 0) {
    throw new CliError(`--controller-ip "${options.controllerIp}" is not an IP address; give the new leader site's Avi controller IP, e.g. 10.10.10.1`, EXIT_USAGE);
  }
  const client = kube.client();
  const amko = await readAMKOCluster(client);
  const { seen, readiness } = await readPromoteReadiness(kube, amko);
  const decision = decidePromotion(kube.context, seen.filter((m) => m.cluster !== kube.context).map(leadershipOf), options.force);
  const behind = behindMessage(readiness, kube.context, options.force);
  const refusal = !decision.allowed ? decision.reason : options.force ? undefined : behind;
  if (refusal !== undefined && !options.dryRun) throw new CliError(`refusing to promote ${kube.context}: ${refusal}`);
  const warnings = [...decision.warnings, ...(options.force && behind !== undefined ? [behind] : [])];

  const changes: string[] = [];
  let gslbConfigName: string | undefined;
  if (options.controllerIp !== undefined) {
    const configs = await client.list(FEDERATED_KINDS.GSLBConfig, AVI_SYSTEM_NAMESPACE);
    if (configs.items.length !== 1) {
      throw new CliError(`cluster ${kube.context} has ${configs.items.length} GSLBConfig objects in ${AVI_SYSTEM_NAMESPACE}; exactly one is needed to set the controller IP (restore a backup first)`);
    }
    gslbConfigName = configs.items[0]?.metadata.name;
    changes.push(`GSLBConfig ${AVI_SYSTEM_NAMESPACE}/${gslbConfigName}: spec.gslbLeader.controllerIP = ${options.controllerIp}`);
  }
  const isLeader = amko.spec?.isLeader === true;
  const epoch = readEpoch(amko);
  const epochChange = epoch === undefined
    ? `no ${LEADER_EPOCH_ANNOTATION} annotation: it takes a new leader epoch above every epoch it sees`
    : `annotation ${LEADER_EPOCH_ANNOTATION} removed (was ${epoch}): it takes a new leader epoch above every epoch it sees`;
  const amkoName = `AMKOCluster ${AVI_SYSTEM_NAMESPACE}/${amko.metadata.name}`;
  // Already leader without an epoch: nothing to write. Already leader with one (a stale old leader
  // made leader again): drop the epoch so that it takes a new one and outranks the leader it lost to.
  const write = !isLeader || epoch !== undefined;
  if (!isLeader) changes.push(`${amkoName}: spec.isLeader = true; ${epochChange}`);
  else if (epoch !== undefined) changes.push(`${amkoName}: already isLeader: true; ${epochChange}`);
  else changes.push(`${amkoName}: already isLeader: true`);

  if (!options.dryRun) {
    if (gslbConfigName !== undefined) {
      await client.mergePatch(FEDERATED_KINDS.GSLBConfig, AVI_SYSTEM_NAMESPACE, gslbConfigName, { spec: { gslbLeader: { controllerIP: options.controllerIp } } });
    }
    if (write) {
      // one JSON merge patch: the epoch annotation goes in the same write that makes it leader
      await client.mergePatch(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, amko.metadata.name, {
        metadata: { annotations: { [LEADER_EPOCH_ANNOTATION]: null } },
        spec: { isLeader: true },
      });
    }
  }
  return { cluster: kube.context, changes, warnings, applied: !options.dryRun, readiness, refusal };
}

export async function demote(kube: KubeAccess, options: { readonly dryRun: boolean }): Promise<LeadershipReport> {
  const client = kube.client();
  const amko = await readAMKOCluster(client);
  const already = amko.spec?.isLeader !== true;
  const changes = [`AMKOCluster ${AVI_SYSTEM_NAMESPACE}/${amko.metadata.name}: ${already ? 'already isLeader: false' : 'spec.isLeader = false'}`];
  if (!options.dryRun && !already) {
    await client.mergePatch(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, amko.metadata.name, { spec: { isLeader: false } });
  }
  return { cluster: kube.context, changes, warnings: [], applied: !options.dryRun };
}
