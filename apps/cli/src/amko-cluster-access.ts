import { AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, parseAMKOCluster, type AMKOCluster } from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import { CliError } from './cli-error.ts';

/** The one AMKOCluster in avi-system of a cluster, or a clear error. */
export async function readAMKOCluster(client: ClusterClient): Promise<AMKOCluster> {
  const list = await client.list(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE).catch((err: unknown) => {
    throw new CliError(`cannot read AMKOCluster objects in ${AVI_SYSTEM_NAMESPACE} of cluster ${client.context}: ${(err as Error).message}`, 1, { cause: err });
  });
  if (list.items.length === 0) {
    throw new CliError(`no AMKOCluster object in ${AVI_SYSTEM_NAMESPACE} of cluster ${client.context}; is AMKO installed there with federation configured?`);
  }
  if (list.items.length > 1) {
    throw new CliError(`${list.items.length} AMKOCluster objects in ${AVI_SYSTEM_NAMESPACE} of cluster ${client.context}; AMKO allows only one`);
  }
  const parsed = parseAMKOCluster(list.items[0]);
  if (!parsed.ok) throw new CliError(`the AMKOCluster of cluster ${client.context} is malformed: ${parsed.message}`);
  return parsed.value;
}
