/**
 * Test fixtures modelled on AMKO's own federator suite (reference §9): clusters cluster1/cluster2,
 * versions 1.4.2 / 1.5.1, AMKOCluster test-amko-cluster, GSLBConfig test-gc with the uuid
 * annotation, GDP test-gdp.
 */
import type { KubeObject } from '../src/index.ts';

export const LEADER = 'cluster1';
export const FOLLOWER = 'cluster2';
export const VERSION = '1.4.2';
export const OTHER_VERSION = '1.5.1';
export const GC_UUID = '3e328a5c-a717-11ed-a422-0a580a80025b';

export function amkoCluster(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'AMKOCluster',
    metadata: { name: 'test-amko-cluster', namespace: 'avi-system', ...metadata },
    spec,
  };
}

export const leaderSpec = { isLeader: true, clusterContext: LEADER, version: VERSION, clusters: [LEADER, FOLLOWER] };
export const followerSpec = { isLeader: false, clusterContext: FOLLOWER, version: VERSION, clusters: [LEADER, FOLLOWER] };

/** A leader-side GSLBConfig carrying everything that must NOT be copied. */
export function leaderGC(overrides: { spec?: Record<string, unknown>; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBConfig',
    metadata: {
      name: 'test-gc',
      namespace: 'avi-system',
      uid: 'leader-uid',
      resourceVersion: '1001',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { 'app.kubernetes.io/managed-by': 'Helm', team: 'net' },
      annotations: overrides.annotations ?? {
        'amko.vmware.com/amko-uuid': GC_UUID,
        'meta.helm.sh/release-name': 'amko',
        'meta.helm.sh/release-namespace': 'avi-system',
        'helm.sh/resource-policy': 'keep',
        'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{}}',
        'example.com/leader-only': 'x',
      },
      finalizers: ['example.com/guard'],
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'o-1' }],
      managedFields: [{ manager: 'helm', operation: 'Update' }],
    },
    spec: overrides.spec ?? {
      gslbLeader: { credentials: 'gslb-avi-secret', controllerVersion: '22.1.3', controllerIP: '10.10.10.10' },
      memberClusters: [{ clusterContext: LEADER }, { clusterContext: FOLLOWER }],
      refreshInterval: 1800,
      logLevel: 'INFO',
    },
    status: { state: 'success: gslb config accepted' },
  };
}

/** A kubeconfig in which every credential is a recognisable sentinel. */
export const SECRET_SENTINELS = [
  'TOKEN-SENTINEL-9f8e7d',
  'PASSWORD-SENTINEL-1a2b3c',
  'CLIENT-KEY-DATA-SENTINEL',
  'CLIENT-CERT-DATA-SENTINEL',
  'CA-DATA-SENTINEL',
  'EXEC-ARG-SENTINEL',
] as const;

export function kubeconfigText(contexts: readonly string[] = [FOLLOWER]): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const c of contexts) {
    lines.push(`- name: ${c}-cluster`, '  cluster:', `    server: https://${c}.example:6443`, '    certificate-authority-data: CA-DATA-SENTINEL');
  }
  lines.push('contexts:');
  for (const c of contexts) lines.push(`- name: ${c}`, '  context:', `    cluster: ${c}-cluster`, `    user: ${c}-user`);
  lines.push('users:');
  for (const c of contexts) {
    lines.push(
      `- name: ${c}-user`,
      '  user:',
      '    token: TOKEN-SENTINEL-9f8e7d',
      '    password: PASSWORD-SENTINEL-1a2b3c',
      '    client-key-data: CLIENT-KEY-DATA-SENTINEL',
      '    client-certificate-data: CLIENT-CERT-DATA-SENTINEL',
      '    exec: {command: get-token, args: [EXEC-ARG-SENTINEL]}',
    );
  }
  lines.push(`current-context: ${contexts[0] ?? ''}`);
  return `${lines.join('\n')}\n`;
}

/** Every string reachable inside a value (to look for leaked secrets anywhere in a result). */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) allStrings(v, out);
  return out;
}
