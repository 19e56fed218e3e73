/**
 * The objects the watcher integration tests put into the emulated clusters (as AMKO's helm chart
 * and users create them) and read back.
 */
import { AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, type AMKOClusterCondition, type KubeObject } from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';

export const NS = AVI_SYSTEM_NAMESPACE;
export const AMKO_NAME = 'amkocluster-federation';
export const VERSION = '1.12.1';
export const CLUSTERS = ['cluster1', 'cluster2', 'cluster3'] as const;
export type ClusterName = (typeof CLUSTERS)[number];

export function amkoCluster(spec: Partial<{ isLeader: boolean; clusterContext: string; version: string; clusters: string[] }>, name = AMKO_NAME): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'AMKOCluster',
    metadata: { name },
    spec: { isLeader: false, clusterContext: 'cluster1', version: VERSION, clusters: [...CLUSTERS], ...spec },
  } as KubeObject;
}

export function gslbConfig(name = 'gc-1', refreshInterval = 60, uuid = '3e328a5c-a717-11ed-a422-0a580a80025b'): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBConfig',
    metadata: { name, annotations: { 'amko.vmware.com/amko-uuid': uuid } },
    spec: {
      gslbLeader: { credentials: 'gslb-avi-secret', controllerVersion: '22.1.3', controllerIP: '10.10.10.10' },
      memberClusters: [{ clusterContext: 'cluster1' }, { clusterContext: 'cluster2' }, { clusterContext: 'cluster3' }],
      refreshInterval,
      logLevel: 'INFO',
    },
  } as KubeObject;
}

export function gdp(name = 'global-gdp', ttl = 30): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha2',
    kind: 'GlobalDeploymentPolicy',
    metadata: { name },
    spec: { matchRules: { appSelector: { label: { app: 'gslb' } } }, matchClusters: [{ cluster: 'cluster1' }, { cluster: 'cluster2' }], ttl },
  } as KubeObject;
}

export function gslbHostRule(name: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBHostRule',
    metadata: { name, annotations },
    spec: { fqdn: `${name}.example.com`, ttl: 30 },
  } as KubeObject;
}

/** The AMKOCluster status conditions of cluster1 (or another object). */
export async function conditionsOf(client: ClusterClient, name = AMKO_NAME, namespace = NS): Promise<AMKOClusterCondition[] | undefined> {
  const object = await client.get(AMKO_CLUSTER_KIND, namespace, name);
  return (object as { status?: { conditions?: AMKOClusterCondition[] } } | undefined)?.status?.conditions;
}
