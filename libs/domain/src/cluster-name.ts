/**
 * Cluster (kubeconfig context) names the federation can use: in queue names, Redis keys, jobs,
 * results and the member registry. Letters, digits and `. _ - @ /`, 1–200 characters, starting
 * with a letter or digit. `:` is excluded because BullMQ separates key parts with it; `{`/`}`
 * because they would move the Redis Cluster hash tag; whitespace and control characters because
 * they break logs and URLs. (EKS ARN context names therefore need an alias.)
 */
import { InvalidNameError } from './errors/invalid-name-error.ts';

const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@/-]{0,199}$/;

export function isValidClusterName(cluster: string): boolean {
  return CLUSTER_NAME.test(cluster);
}

/** Throws `InvalidNameError` unless `cluster` is a usable cluster (context) name. */
export function assertClusterName(cluster: string): void {
  if (!CLUSTER_NAME.test(cluster)) {
    throw new InvalidNameError(
      'cluster',
      `${JSON.stringify(cluster.slice(0, 80))} must be 1-200 characters of letters, digits and . _ - @ /, starting with a letter or digit (no ":")`,
    );
  }
}
