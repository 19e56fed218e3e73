export { kubeConfigForContext, localKubeConfig } from './kube-config.ts';
export { KubeConfigError } from './kube-config-error.ts';
export { timeoutOptions } from './request-timeout.ts';
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
