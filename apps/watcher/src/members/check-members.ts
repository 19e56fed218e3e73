/**
 * One member check: read the members kubeconfig, initialise the members (no member at all is a
 * failure: nothing would be federated), then list AMKOClusters in avi-system on every member IN
 * PARALLEL (each request has its own timeout, so one slow member never delays the others) and
 * validate them with AMKO's rules.
 */
import {
  AMKO_CLUSTER_KIND,
  AVI_SYSTEM_NAMESPACE,
  initMembers,
  memberNames,
  MemberInitOutcome,
  MemberObservation,
  noMembersFailure,
  validateMembers,
  type LeaderSpec,
  type MemberFacts,
} from '@amko-fed/domain';
import type { MemberClients } from './member-clients.ts';
import type { MembersKubeconfigSource } from './members-kubeconfig.ts';
import { summariseMembers, type MembersOutcomeReport } from './members-outcome.ts';

export interface CheckMembersDeps {
  readonly source: MembersKubeconfigSource;
  readonly clients: MemberClients;
}

export interface MembersCheck extends MembersOutcomeReport {
  /** Members whose AMKOCluster list failed (down, timing out, refusing): worth probing soon. */
  readonly unreachable: readonly string[];
}

export async function checkMembers(deps: CheckMembersDeps, spec: LeaderSpec): Promise<MembersCheck> {
  const names = memberNames(spec);
  // With no member there is nothing to connect to: the kubeconfig is not read.
  const none = noMembersFailure(spec);
  if (none !== undefined) return { ...summariseMembers(names, none, [], undefined), unreachable: [] };
  const kubeconfig = await deps.source.read();
  if (!kubeconfig.ok) {
    return { ...summariseMembers(names, { outcome: MemberInitOutcome.Failed, reason: kubeconfig.reason, members: [], missing: [] }, [], undefined), unreachable: [] };
  }
  const init = initMembers(spec, kubeconfig.text, kubeconfig.source);
  if (init.outcome === MemberInitOutcome.Failed || kubeconfig.text === undefined) return { ...summariseMembers(names, init, [], undefined), unreachable: [] };

  const { clients, failures } = deps.clients.resolve(kubeconfig.text, init.members);
  if (clients.size === 0) return { ...summariseMembers(names, init, failures, undefined), unreachable: [] };

  const facts = await Promise.all(
    [...clients].map(async ([cluster, client]): Promise<MemberFacts> => {
      try {
        const list = await client.list(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE);
        return { observation: MemberObservation.Listed, cluster, amkoClusters: list.items };
      } catch (err) {
        return { observation: MemberObservation.ListFailed, cluster, error: err instanceof Error ? err.message : 'request failed' };
      }
    }),
  );
  const unreachable = facts.flatMap((f) => (f.observation === MemberObservation.ListFailed ? [f.cluster] : []));
  return { ...summariseMembers(names, init, failures, validateMembers(facts, spec.version)), unreachable };
}
