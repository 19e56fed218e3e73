/** The objects a new sandbox starts with: AMKO's helm defaults, adapted to three clusters. */

export const SANDBOX_AMKO_VERSION = '1.13.1';
export const AMKO_CLUSTER_NAME = 'amkocluster-federation';

export function amkoClusterObject(cluster: string, clusters: readonly string[], isLeader: boolean): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'AMKOCluster',
    metadata: { name: AMKO_CLUSTER_NAME, namespace: 'avi-system' },
    spec: { isLeader, clusterContext: cluster, version: SANDBOX_AMKO_VERSION, clusters: [...clusters] },
  };
}

export function gslbConfigObject(clusters: readonly string[]): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBConfig',
    metadata: { name: 'gc-1', namespace: 'avi-system', annotations: { 'amko.vmware.com/amko-uuid': '3e328a5c-a717-11ed-a422-0a580a80025b' } },
    spec: {
      gslbLeader: { credentials: 'gslb-avi-secret', controllerVersion: '22.1.3', controllerIP: '10.10.10.1' },
      memberClusters: clusters.map((clusterContext) => ({ clusterContext })),
      refreshInterval: 1800,
      logLevel: 'INFO',
    },
  };
}

export function globalDeploymentPolicyObject(clusters: readonly string[]): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha2',
    kind: 'GlobalDeploymentPolicy',
    metadata: { name: 'global-gdp', namespace: 'avi-system' },
    spec: {
      matchRules: { appSelector: { label: { app: 'gslb' } } },
      matchClusters: clusters.map((cluster) => ({ cluster })),
      trafficSplit: clusters.map((cluster) => ({ cluster, weight: 5 })),
      ttl: 30,
    },
  };
}

export function gslbConfigSecret(membersKubeconfig: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'gslb-config-secret', namespace: 'avi-system' },
    type: 'Opaque',
    data: { 'gslb-members': Buffer.from(membersKubeconfig).toString('base64') },
  };
}
