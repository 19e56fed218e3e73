/**
 * @amko-fed/kube-emulator: a Kubernetes API server emulator for tests, the local sandbox and
 * benchmarks. Start clusters with {@link startEmulatedCluster}, write a kubeconfig for them with
 * {@link writeKubeconfig}, inject faults through `cluster.faults`, read `cluster.requestLog`.
 */
export {
  startEmulatedCluster,
  startEmulatedClusters,
  type EmulatedCluster,
  type EmulatedClusterOptions,
} from './cluster.ts';
export { kubeconfigEntryOf, kubeconfigYaml, writeKubeconfig, type KubeconfigEntry, type KubeconfigOptions } from './kubeconfig.ts';
export { defaultCrdsDir, loadCrdManifests, CrdLoadError } from './crd-loader.ts';
export { Faults, FaultValidationError, type ErrorFault, type FaultMatch, type FaultSettings, type HangFault } from './faults.ts';
export { RequestLog, type RequestLogEntry, type RequestLogFilter, type WriteOverlap } from './request-log.ts';
export type { PolicyRule, TokenSpec } from './auth.ts';
export type { Verb } from './request-info.ts';
export type { Store, StoreEvent } from './store.ts';
export { versionInfo } from './server.ts';
