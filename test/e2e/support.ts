/**
 * Helpers of the process-level suites: leader-side writes through the emulators' REST API, reads of
 * follower copies and AMKOCluster conditions, and polling with functional deadlines.
 */
import { amkoPath, type Federation } from '@amko-fed/testing';

export const GC = { version: 'v1alpha1', plural: 'gslbconfigs', name: 'gc-1' } as const;
export const GDP = { version: 'v1alpha2', plural: 'globaldeploymentpolicies', name: 'global-gdp' } as const;
export type Kind = typeof GC | typeof GDP;

export const SUCCESS = 'federated to all valid clusters successfully';
export const SOME_FAILED = 'error in federating to some clusters';

export function gslbConfigBody(refreshInterval: number): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBConfig',
    metadata: { name: GC.name, namespace: 'avi-system', annotations: { 'amko.vmware.com/amko-uuid': '3e328a5c-a717-11ed-a422-0a580a80025b' } },
    spec: { gslbLeader: { credentials: 'gslb-avi-secret', controllerVersion: '22.1.3', controllerIP: '10.10.10.1' }, memberClusters: [{ clusterContext: 'leader' }], refreshInterval, logLevel: 'INFO' },
  };
}

export function gdpBody(ttl: number): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha2',
    kind: 'GlobalDeploymentPolicy',
    metadata: { name: GDP.name, namespace: 'avi-system' },
    spec: { matchRules: { appSelector: { label: { app: 'gslb' } } }, matchClusters: [{ cluster: 'leader' }], ttl },
  };
}

export const pathOf = (kind: Kind): string => amkoPath(kind.version, kind.plural, 'avi-system', kind.name);
export const collectionOf = (kind: Kind): string => amkoPath(kind.version, kind.plural, 'avi-system');

/** `spec` of a cluster's copy of the object (undefined when absent). */
export async function specOn(federation: Federation, cluster: string, kind: Kind): Promise<Record<string, unknown> | undefined> {
  return (await federation.kube(cluster).get(pathOf(kind)))?.['spec'] as Record<string, unknown> | undefined;
}

/** The `status` of a condition type in a cluster's AMKOCluster. */
export async function conditionOf(federation: Federation, cluster: string, type: string): Promise<{ status?: string; reason?: string } | undefined> {
  return (await federation.amkoClusterConditions(cluster)).find((c) => c.type === type);
}

/** Polls `read` until `done` holds (a functional deadline, never a timing assertion). */
export async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`${what} not reached within ${timeoutMs} ms; last value ${JSON.stringify(value)?.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Writes (create, update, patch, delete) a cluster received for a resource since its log was cleared. */
export function writesTo(federation: Federation, cluster: string, plural: string): number {
  return federation.cluster(cluster).requestLog.writes({ resource: plural }).length;
}
