/**
 * `amko-fed promote` and `amko-fed demote`: the seed's disaster-recovery runbook. Promote sets the
 * new leader's GSLBConfig `spec.gslbLeader.controllerIP` (when given) and its AMKOCluster
 * `spec.isLeader: true`, refusing while another reachable member still says `isLeader: true`.
 * Demote sets `spec.isLeader: false` on an old leader that came back.
 */
import { isIP } from 'node:net';
import { AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, decidePromotion, FEDERATED_KINDS, memberNames, type MemberLeadership } from '@amko-fed/domain';
import { readAMKOCluster } from '../amko-cluster-access.ts';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import type { KubeAccess } from '../kube-access.ts';

export interface PromoteOptions {
  readonly controllerIp?: string | undefined;
  readonly dryRun: boolean;
  readonly force: boolean;
}

export interface LeadershipReport {
  readonly cluster: string;
  readonly changes: readonly string[];
  readonly warnings: readonly string[];
  readonly applied: boolean;
}

async function leadershipOf(kube: KubeAccess, cluster: string): Promise<MemberLeadership> {
  if (!kube.contexts.includes(cluster)) return { cluster, reachable: false, error: `no context "${cluster}" in the kubeconfig` };
  try {
    const amko = await readAMKOCluster(kube.client(cluster));
    return { cluster, reachable: true, isLeader: amko.spec?.isLeader === true };
  } catch (err) {
    return { cluster, reachable: false, error: (err as Error).message };
  }
}

export async function promote(kube: KubeAccess, options: PromoteOptions): Promise<LeadershipReport> {
  if (options.controllerIp !== undefined && isIP(options.controllerIp) === 0) {
    throw new CliError(`--controller-ip "${options.controllerIp}" is not an IP address; give the new leader site's Avi controller IP, e.g. 10.10.10.1`, EXIT_USAGE);
  }
  const client = kube.client();
  const amko = await readAMKOCluster(client);
  const others = memberNames({ clusterContext: kube.context, clusters: amko.spec?.clusters });
  const decision = decidePromotion(kube.context, await Promise.all(others.map((c) => leadershipOf(kube, c))), options.force);
  if (!decision.allowed) throw new CliError(`refusing to promote ${kube.context}: ${decision.reason}`);

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
  if (amko.spec?.isLeader === true) changes.push(`AMKOCluster ${AVI_SYSTEM_NAMESPACE}/${amko.metadata.name}: already isLeader: true`);
  else changes.push(`AMKOCluster ${AVI_SYSTEM_NAMESPACE}/${amko.metadata.name}: spec.isLeader = true`);

  if (!options.dryRun) {
    if (gslbConfigName !== undefined) {
      await client.mergePatch(FEDERATED_KINDS.GSLBConfig, AVI_SYSTEM_NAMESPACE, gslbConfigName, { spec: { gslbLeader: { controllerIP: options.controllerIp } } });
    }
    if (amko.spec?.isLeader !== true) {
      await client.mergePatch(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, amko.metadata.name, { spec: { isLeader: true } });
    }
  }
  return { cluster: kube.context, changes, warnings: decision.warnings, applied: !options.dryRun };
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
