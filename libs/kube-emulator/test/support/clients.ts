/** client-node clients per cluster (one KubeConfig per context) and small test helpers. */
import { randomBytes } from 'node:crypto';
import {
  ApiException,
  ApiextensionsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { ProvidedCluster } from './provider.ts';

export interface Clients {
  readonly kc: KubeConfig;
  readonly co: CustomObjectsApi;
  readonly core: CoreV1Api;
  readonly coord: CoordinationV1Api;
  readonly ext: ApiextensionsV1Api;
}

export function kubeConfigFor(cluster: Pick<ProvidedCluster, 'kubeconfig' | 'contextName'>): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig());
  kc.setCurrentContext(cluster.contextName);
  return kc;
}

export function clientsFor(cluster: Pick<ProvidedCluster, 'kubeconfig' | 'contextName'>): Clients {
  const kc = kubeConfigFor(cluster);
  return {
    kc,
    co: kc.makeApiClient(CustomObjectsApi),
    core: kc.makeApiClient(CoreV1Api),
    coord: kc.makeApiClient(CoordinationV1Api),
    ext: kc.makeApiClient(ApiextensionsV1Api),
  };
}

export interface StatusBody {
  kind: string;
  apiVersion: string;
  status: string;
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: { reason: string; message: string; field: string }[]; retryAfterSeconds?: number };
}

export interface FailedCall {
  readonly code: number;
  readonly status: StatusBody;
  readonly headers: Record<string, string>;
}

/** Awaits a call that must fail with an ApiException; returns its code and parsed Status. */
export async function failure(call: Promise<unknown>): Promise<FailedCall> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiException) {
      const body = typeof err.body === 'string' ? (JSON.parse(err.body) as StatusBody) : (err.body as StatusBody);
      return { code: err.code, status: body, headers: err.headers };
    }
    throw err;
  }
  throw new Error('the call succeeded but a failure was expected');
}

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
export const strategicMergePatch = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
export const applyPatch = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

/** A short unique, DNS-safe name. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Retries `check` until it stops throwing (or `timeoutMs` passes, then rethrows its last error). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** Creates a fresh namespace and returns its name. */
export async function createTestNamespace(clients: Clients, prefix = 'emu-test'): Promise<string> {
  const name = uniqueName(prefix);
  await clients.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

export const amko = {
  group: 'amko.vmware.com',
  version: 'v1alpha1',
} as const;

/** The AMKO kinds' coordinates for CustomObjectsApi. */
export const gslbConfigs = { ...amko, plural: 'gslbconfigs' } as const;
export const amkoClusters = { ...amko, plural: 'amkoclusters' } as const;
export const gdps = { group: 'amko.vmware.com', version: 'v1alpha2', plural: 'globaldeploymentpolicies' } as const;
export const gslbHostRules = { ...amko, plural: 'gslbhostrules' } as const;

export function gslbConfig(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBConfig',
    metadata: { name },
    spec: { gslbLeader: { controllerIP: '10.10.10.10', credentials: 'gslb-avi-secret' }, memberClusters: [{ clusterContext: 'cluster1' }], refreshInterval: 60, ...spec },
  };
}

export function amkoCluster(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'AMKOCluster',
    metadata: { name },
    spec: { clusterContext: 'cluster1', isLeader: true, clusters: ['cluster1', 'cluster2'], version: '1.12.1', ...spec },
  };
}

/** Reads the object metadata of a CustomObjects answer. */
export function metaOf(obj: unknown): { name: string; namespace?: string; resourceVersion: string; uid: string; generation?: number; creationTimestamp: string; deletionTimestamp?: string; finalizers?: string[]; labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: { manager: string; operation: string; fieldsV1: Record<string, unknown>; subresource?: string }[] } {
  return (obj as { metadata: never }).metadata;
}
