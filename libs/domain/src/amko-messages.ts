/**
 * AMKO federator's exact messages (reference/amko-federator-behaviour.md §2–§5). Reused verbatim,
 * typos included, so that anything matching on AMKO's strings keeps working. Corrections are
 * marked.
 */
import type { FederatedKind } from './kinds.ts';

// §2 — the local AMKOCluster
export const ONLY_ONE_AMKOCLUSTER_MESSAGE = 'only one AMKOClusterObject allowed per cluster';
export const NO_AMKOCLUSTER_MESSAGE = 'No AMKOCluster object available on this cluster, nothing to do';
export const NAMESPACE_NOT_AVI_SYSTEM_MESSAGE = "AMKOCluster's namespace is not avi-system";
export const EMPTY_CLUSTER_CONTEXT_MESSAGE = "clusterContext field can't be empty in AMKOCluster object";
export const EMPTY_VERSION_MESSAGE = "version field can't be empty in AMKOCluster object";

// §3 — member initialisation
/**
 * AMKO's text names `gslb-avi-secret`, a secret that does not exist; corrected to the real one,
 * `gslb-config-secret` (key `gslb-members`).
 */
export const GSLB_CONFIG_MISSING_MESSAGE =
  'error in fetching the GSLB_CONFIG env variable, this contains the members kube config, check gslb-config-secret';

export function memberContextsInitFailedMessage(cause: string): string {
  return `error in initialising member cluster contexts: ${cause}`;
}
export function buildContextConfigFailedMessage(context: string, cause: string): string {
  return `error in building context config for kubernetes cluster ${context}: ${cause}`;
}
export function contextDoesNotExistMessage(context: string): string {
  return `context ${JSON.stringify(context)} does not exist`;
}
/** A member whose client could not be built (soft: the member is skipped). "custer" (sic). */
export function memberClientInitFailedMessage(context: string, cause: string): string {
  return `error in initializing member custer context ${context}: ${cause}`;
}
export const NO_VALID_CLUSTER_CONTEXTS_MESSAGE = 'no valid cluster contexts found';
/**
 * Ours: `spec.clusters` is missing, empty or names only the current cluster. AMKO fails the same
 * input with `current cluster context <ctx> not part of member clusters`, which would be wrong here
 * (the current cluster is not required in the list) and would not say that nothing is federated.
 */
export function noMemberClustersMessage(clusterContext: string | undefined): string {
  const besides = clusterContext === undefined || clusterContext === '' ? '' : ` besides the current cluster ${clusterContext}`;
  return `no member clusters in spec.clusters${besides}, nothing to federate; add the follower cluster contexts to the AMKOCluster's spec.clusters`;
}

// §4 — member validation
export function clientUnavailableMessage(cluster: string): string {
  return `cluster client unavailable for cluster ${cluster}`;
}
export function amkoClusterListFailedMessage(cluster: string, cause: string): string {
  return `error in getting AMKOCluster list for cluster ${cluster}: ${cause}`;
}
export function memberIsAlsoLeaderMessage(cluster: string): string {
  return `AMKO in cluster ${cluster} is also a leader, conflicting state`;
}
export function tooManyMemberAMKOClustersMessage(cluster: string): string {
  return `more than one AMKOCluster objects present in cluster ${cluster}, can't federate`;
}
export function noMemberAMKOClusterMessage(cluster: string): string {
  return `no AMKOCluster object present in cluster ${cluster}, can't federate`;
}
export function versionMismatchMessage(currentVersion: string, cluster: string, memberVersion: string): string {
  return `version mismatch, current AMKO: ${currentVersion}, AMKO in cluster ${cluster}: ${memberVersion}`;
}
export const NO_VALID_CLUSTERS_MESSAGE = 'no valid clusters left to federate on';

// §5 — leader-side checks of the singleton kinds
const LEADER_PLURAL_PHRASE: Readonly<Record<FederatedKind, string>> = {
  GSLBConfig: 'GSLBConfig objects are',
  GlobalDeploymentPolicy: 'GlobalDeploymentPolicies are',
  GSLBHostRule: 'GSLBHostRules are',
};
/** `more than one GSLBConfig objects are present in the current cluster` (and the GDP wording). */
export function tooManyOnLeaderMessage(kind: FederatedKind): string {
  return `more than one ${LEADER_PLURAL_PHRASE[kind]} present in the current cluster`;
}
/** `cannot list GSLBConfig list on current cluster in avi-system namespace: <err>`. */
export function leaderListFailedMessage(kind: FederatedKind, cause: string): string {
  return `cannot list ${kind} list on current cluster in avi-system namespace: ${cause}`;
}

// Ours, in the same style: a follower a resync could not list (AMKO never lists its followers).
/**
 * `cannot list GSLBHostRule list on this follower in avi-system namespace, copies the leader no
 * longer has cannot be found there: <err>`, rendered after the follower's name in the kind's
 * Federation condition until a listing of that kind succeeds again.
 */
export function followerListFailedMessage(kind: FederatedKind, cause: string): string {
  return `cannot list ${kind} list on this follower in avi-system namespace, copies the leader no longer has cannot be found there: ${cause}`;
}
