/**
 * Cluster (kubeconfig context) names. Users do not choose them: `oc login` writes
 * `avi-system/api-ocp2-example-com:6443/kube:admin`, EKS `arn:aws:eks:…:cluster/site3`. So any
 * string kubeconfig allows is a cluster name, with three limits that only refuse what cannot be a
 * real context: empty, control characters (a newline would forge log lines and break every
 * one-line display) or unpaired UTF-16 surrogates (no UTF-8 form), and more than
 * {@link MAX_CLUSTER_NAME_LENGTH} characters.
 *
 * The name is shown exactly as written everywhere a human reads it (status, logs, metrics, board,
 * CLI). Where it becomes part of a Redis key, a BullMQ queue name or a job id, it is encoded with
 * {@link encodeClusterName} (ADR 0010), which leaves the names allowed before (letters, digits and
 * `. _ - @ /`) unchanged.
 */
import { InvalidNameError } from './errors/invalid-name-error.ts';

/** @defaultValue the longest cluster (context) name accepted, in UTF-16 code units. */
export const MAX_CLUSTER_NAME_LENGTH = 1024;

// C0 controls (newline, tab, …), DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** Why `cluster` cannot be a cluster name, or undefined when it can. */
export function clusterNameProblem(cluster: string): string | undefined {
  if (cluster === '') return 'must not be empty';
  if (cluster.length > MAX_CLUSTER_NAME_LENGTH) return `is ${cluster.length} characters long; at most ${MAX_CLUSTER_NAME_LENGTH} are allowed`;
  if (CONTROL.test(cluster)) return 'must not contain control characters (newline, tab, …)';
  if (!cluster.isWellFormed()) return 'must be valid Unicode (it contains an unpaired surrogate)';
  return undefined;
}

export function isValidClusterName(cluster: string): boolean {
  return clusterNameProblem(cluster) === undefined;
}

/**
 * Throws `InvalidNameError` unless `cluster` is a usable cluster (context) name. The message quotes
 * at most 80 characters of the name (JSON-escaped, so a control character shows as `\n`) and says
 * what to change: the context name in the gslb-config-secret kubeconfig and in the AMKOCluster.
 */
export function assertClusterName(cluster: string): void {
  const problem = clusterNameProblem(cluster);
  if (problem === undefined) return;
  throw new InvalidNameError(
    'cluster',
    `the context name ${JSON.stringify(cluster.slice(0, 80))} ${problem}; rename the context in the gslb-config-secret kubeconfig and in AMKOCluster spec.clusters / clusterContext`,
  );
}

// Characters that pass through unencoded: the old rule's alphabet. Everything else, `%` included,
// is percent-encoded byte by byte (UTF-8), so `:`, `{`, `}`, whitespace and `%` never reach a key.
const UNRESERVED = /^[A-Za-z0-9._@/-]$/;
const utf8 = new TextEncoder();

/**
 * The form of a cluster name inside Redis keys, BullMQ queue names and job ids: every UTF-8 byte
 * outside `[A-Za-z0-9._@/-]` as `%XX` (upper-case hex). Reversible ({@link decodeClusterName}),
 * injective, and the identity for names of that alphabet, so existing queues and keys keep their
 * names. The result never contains `:`, `{`, `}` or whitespace.
 */
export function encodeClusterName(cluster: string): string {
  let out = '';
  for (const ch of cluster) {
    if (UNRESERVED.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of utf8.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The cluster name an {@link encodeClusterName} result stands for, or undefined when `encoded` is
 * not exactly what encoding some valid cluster name gives (so each name has one encoded form).
 */
export function decodeClusterName(encoded: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  return isValidClusterName(decoded) && encodeClusterName(decoded) === encoded ? decoded : undefined;
}
