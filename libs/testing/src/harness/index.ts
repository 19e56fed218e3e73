// The multi-process harness: emulated clusters + Redis + the watcher and replicator as child processes.
export {
  startFederation,
  REPO_ROOT,
  WORKLOAD_NODE_OPTIONS,
  workloadRuntimeEnv,
  AMKO_CLUSTER_NAME,
  AVI_SYSTEM,
  type Federation,
  type FederationOptions,
  type AppSettings,
  type AccessSpec,
  type AppName,
  type ReplicaSettings,
} from './federation.ts';
export { createAppProcess, type AppProcess, type AppProcessOptions, type AppExit, type AppStartOptions, type ReadyProgress } from './app-process.ts';
export { createKubeRest, amkoPath, KubeRequestError, type KubeRest, type KubeResponse } from './kube-rest.ts';
