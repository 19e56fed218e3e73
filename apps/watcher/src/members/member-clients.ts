/**
 * One ClusterClient per member context, each with its own KubeConfig (so no member's credentials
 * are ever sent to another), kept while the members kubeconfig text is unchanged and rebuilt when
 * the secret changes.
 */
import { createHash } from 'node:crypto';
import { memberClientInitFailedMessage, type ClusterFailure, type MemberCluster } from '@amko-fed/domain';
import { clusterClientForContext, type ClusterClient, type KubeRequestObserver } from '@amko-fed/kube';

export interface MemberClientsResult {
  readonly clients: ReadonlyMap<string, ClusterClient>;
  /** Members whose client could not be built (soft failure: the member is skipped). */
  readonly failures: readonly ClusterFailure[];
}

export interface MemberClients {
  /** Clients for `members`, built from `kubeconfigText`. */
  resolve(kubeconfigText: string, members: readonly MemberCluster[]): MemberClientsResult;
  /** The client of a member resolved by the last `resolve`. */
  get(cluster: string): ClusterClient | undefined;
}

export function createMemberClients(options: { readonly timeoutMs: number; readonly onRequest?: KubeRequestObserver }): MemberClients {
  let textHash = '';
  let cache = new Map<string, ClusterClient>();
  let current = new Map<string, ClusterClient>();

  return {
    resolve(kubeconfigText, members) {
      const hash = createHash('sha256').update(kubeconfigText).digest('hex');
      if (hash !== textHash) {
        textHash = hash;
        cache = new Map();
      }
      const clients = new Map<string, ClusterClient>();
      const failures: ClusterFailure[] = [];
      for (const member of members) {
        let client = cache.get(member.contextName);
        if (client === undefined) {
          try {
            client = clusterClientForContext(kubeconfigText, member.contextName, { timeoutMs: options.timeoutMs, ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }) });
            cache.set(member.contextName, client);
          } catch (err) {
            failures.push({ cluster: member.name, message: memberClientInitFailedMessage(member.name, err instanceof Error ? err.message : 'invalid kubeconfig') });
            continue;
          }
        }
        clients.set(member.name, client);
      }
      current = clients;
      return { clients, failures };
    },
    get: (cluster) => current.get(cluster),
  };
}
