/**
 * `npm start -- --clusters NAMES`: the sandbox's kubeconfig context names, comma-separated, the
 * first one the leader. Any kubeconfig context name works (ADR 0010) except one with a comma (the
 * separator); spaces around each name are trimmed. A bad list is refused with what to change.
 */
import { clusterNameProblem } from '@amko-fed/domain';

/** @defaultValue the sandbox's clusters without `--clusters`. */
export const DEFAULT_SANDBOX_CLUSTERS: readonly string[] = ['cluster1', 'cluster2', 'cluster3'];

export class ClusterListError extends Error {
  readonly code = 'SANDBOX_CLUSTER_LIST';
}

/** Parses `--clusters`: at least two distinct, valid context names, leader first. Throws ClusterListError. */
export function parseClusterList(text: string): string[] {
  const names = text.split(',').map((name) => name.trim());
  const example = "e.g. --clusters 'arn:aws:eks:us-east-1:1:cluster/site1,clusterB,site c'";
  if (names.some((name) => name === '')) {
    throw new ClusterListError(`--clusters ${JSON.stringify(text)} has an empty name; give comma-separated context names, the leader first, ${example}`);
  }
  for (const name of names) {
    const problem = clusterNameProblem(name);
    if (problem !== undefined) throw new ClusterListError(`--clusters: the context name ${JSON.stringify(name.slice(0, 80))} ${problem}`);
  }
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new ClusterListError(`--clusters names ${JSON.stringify(twice)} twice; every context name must be different`);
  if (names.length < 2) throw new ClusterListError(`--clusters needs a leader and at least one follower, got only ${JSON.stringify(names[0])}; ${example}`);
  return names;
}

/**
 * A name for files and the site's key prefix: the context itself when it is a short plain name
 * (so the default sandbox keeps `cluster1.kubeconfig`, `{amko-fed-cluster1}`), else `site<n>`.
 */
export function siteSlug(cluster: string, index: number): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(cluster) ? cluster : `site${index + 1}`;
}

/** `name` quoted for a POSIX shell when it needs quoting (for the commands the sandbox prints). */
export function shellQuote(name: string): string {
  return /^[A-Za-z0-9._@/:=-]+$/.test(name) ? name : `'${name.replaceAll("'", "'\\''")}'`;
}
