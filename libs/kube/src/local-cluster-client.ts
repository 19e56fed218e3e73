/**
 * The client of the watcher's own (local) cluster: a kubeconfig and context (LOCAL_KUBECONFIG,
 * LOCAL_CONTEXT; the kubeconfig's current context by default), or the pod's service account
 * (in-cluster.ts). Neither loads client-node unless the kubeconfig context needs it (exec plugin,
 * auth provider, proxy: see kubeconfig-context.ts).
 */
import { readKubeconfig } from '@amko-fed/domain';
import { buildClusterClient, clusterClientForContext, observing, type ClusterClient, type KubeRequestObserver } from './cluster-client.ts';
import { inClusterAccess, IN_CLUSTER_CONTEXT, type InClusterOptions } from './in-cluster.ts';
import { KubeConfigError } from './kube-config-error.ts';
import { createKubeTransport } from './kube-transport.ts';

export type LocalClusterSource =
  | { readonly kind: 'kubeconfig'; readonly text: string; readonly context?: string | undefined }
  | ({ readonly kind: 'in-cluster' } & InClusterOptions);

export interface LocalClusterClientOptions {
  /** Per-request timeout. @defaultValue 10_000 */
  readonly timeoutMs?: number;
  /** Told of every request on the AMKO kinds and AMKOCluster status, for metrics. */
  readonly onRequest?: KubeRequestObserver;
}

/** The kubeconfig's `current-context`; throws KubeConfigError when it has none. */
function currentContext(text: string): string {
  const read = readKubeconfig(text);
  if (!read.ok) throw new KubeConfigError('the local kubeconfig could not be parsed');
  const current = read.kubeconfig['current-context'];
  if (current === undefined || current === null || current === '') throw new KubeConfigError('the local kubeconfig has no current-context; set LOCAL_CONTEXT');
  return current;
}

/** Throws KubeConfigError (secret-free) when the source is unusable. */
export async function localClusterClient(source: LocalClusterSource, options: LocalClusterClientOptions = {}): Promise<ClusterClient> {
  switch (source.kind) {
    case 'kubeconfig':
      return clusterClientForContext(source.text, source.context ?? currentContext(source.text), options);
    case 'in-cluster': {
      const access = await inClusterAccess(source);
      const transport = createKubeTransport({ server: access.server, credentials: access.credentials, timeoutMs: options.timeoutMs, onResponse: observing(IN_CLUSTER_CONTEXT, options.onRequest) });
      return buildClusterClient({ context: IN_CLUSTER_CONTEXT, transport });
    }
    default: {
      const _exhaustive: never = source;
      throw new KubeConfigError(`unknown local cluster source ${String(_exhaustive)}`);
    }
  }
}
