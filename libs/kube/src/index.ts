export { kubeConfigForContext } from './kube-config.ts';
export { KubeConfigError } from './kube-config-error.ts';
export { toKubeError, httpStatusOf } from './kube-error.ts';
export {
  clusterClientForContext,
  createClusterClient,
  FIELD_MANAGER,
  type ClusterClient,
  type ClusterClientForContextOptions,
  type ClusterClientOptions,
  type ClusterInformerOptions,
  type KubeRequestObserver,
  type ObjectList,
} from './cluster-client.ts';
export {
  createResilientInformer,
  type InformerHandlers,
  type InformerHealth,
  type ResilientInformer,
  type ResilientInformerOptions,
} from './resilient-informer.ts';
export { readFenceToken, stampFenceToken, type FenceTokenClient, type StampOutcome } from './fence-token.ts';
export { microTime, type Lease, type LeaseSpec, type ObjectMeta, type Secret } from './core-objects.ts';
export { inClusterAccess, IN_CLUSTER_CONTEXT, SERVICE_ACCOUNT_DIR, type InClusterAccess, type InClusterOptions } from './in-cluster.ts';
export { localClusterClient, type LocalClusterClientOptions, type LocalClusterSource } from './local-cluster-client.ts';
