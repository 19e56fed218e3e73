/**
 * An in-memory site for the watcher's session-level unit tests: three in-memory clusters (cluster1
 * the leader, cluster2 and cluster3 followers) each with its AMKOCluster in avi-system, the four
 * stores of one data set (`@amko-fed/queue/testing`), the real metrics (own registry), the real
 * members kubeconfig source (inline), member clients that hand out the in-memory clusters' clients,
 * a configuration from `loadConfig`, and the store health as the test sets it.
 */
import { AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, memberClientInitFailedMessage, type AMKOClusterCondition, type KubeObject } from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import { createInMemoryCluster, type InMemoryCluster } from '@amko-fed/kube/testing';
import type { RedisReadiness } from '@amko-fed/queue';
import { createInMemoryStores, type InMemoryStores } from '@amko-fed/queue/testing';
import { loadConfig, type WatcherConfig } from '../config.ts';
import { createWatcherMetrics, type WatcherMetrics } from '../http/metrics.ts';
import type { MemberClients } from '../members/member-clients.ts';
import { createMembersKubeconfigSource, type MembersKubeconfigSource } from '../members/members-kubeconfig.ts';
import type { WatcherAdapters } from '../ports.ts';

export const SITE_CLUSTERS = ['cluster1', 'cluster2', 'cluster3'] as const;
export type SiteCluster = (typeof SITE_CLUSTERS)[number];
export const AMKO_NAME = 'amkocluster-federation';
export const AMKO_VERSION = '1.12.1';

/** The members kubeconfig (gslb-config-secret): one context per cluster (no real servers behind them). */
export const MEMBERS_KUBECONFIG = [
  'apiVersion: v1',
  'kind: Config',
  'clusters:',
  ...SITE_CLUSTERS.flatMap((c) => [`- name: ${c}`, '  cluster:', `    server: https://${c}.in-memory`]),
  'contexts:',
  ...SITE_CLUSTERS.flatMap((c) => [`- name: ${c}`, '  context:', `    cluster: ${c}`, `    user: ${c}`]),
  'users:',
  ...SITE_CLUSTERS.flatMap((c) => [`- name: ${c}`, '  user:', `    token: token-${c}`]),
  'current-context: cluster1',
  '',
].join('\n');

/** An AMKOCluster as AMKO's helm chart creates it. */
export function amkoCluster(spec: Partial<{ isLeader: boolean; clusterContext: string; version: string; clusters: string[] }>): KubeObject {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'AMKOCluster',
    metadata: { name: AMKO_NAME },
    spec: { isLeader: false, clusterContext: 'cluster1', version: AMKO_VERSION, clusters: [...SITE_CLUSTERS], ...spec },
  } as KubeObject;
}

export interface UnitSite {
  readonly clusters: Readonly<Record<SiteCluster, InMemoryCluster>>;
  readonly local: ClusterClient;
  readonly stores: InMemoryStores;
  readonly metrics: WatcherMetrics;
  readonly config: WatcherConfig;
  readonly memberClients: MemberClients;
  readonly membersSource: MembersKubeconfigSource;
  /** What the store health answers (ready unless the test says otherwise). */
  readiness: RedisReadiness;
  /** The site as the watcher's adapters (cluster1 local); `recovered()` runs the "Redis is back" listeners. */
  adapters(): WatcherAdapters & { recovered(): void };
  /** The status conditions of cluster1's AMKOCluster. */
  conditions(): Promise<AMKOClusterCondition[] | undefined>;
  /** Sets fields of a cluster's AMKOCluster spec (a merge patch, as kubectl would). */
  setSpec(cluster: SiteCluster, spec: Parameters<typeof amkoCluster>[0]): Promise<void>;
}

/** Member clients over the in-memory clusters: a context of the kubeconfig maps to that cluster. */
function inMemoryMemberClients(clusters: Readonly<Record<SiteCluster, InMemoryCluster>>): MemberClients {
  let current = new Map<string, ClusterClient>();
  return {
    resolve(_kubeconfigText, members) {
      const clients = new Map<string, ClusterClient>();
      const failures = [];
      for (const member of members) {
        const cluster = clusters[member.contextName as SiteCluster] as InMemoryCluster | undefined;
        if (cluster === undefined) failures.push({ cluster: member.name, message: memberClientInitFailedMessage(member.name, 'no such cluster') });
        else clients.set(member.name, cluster.client);
      }
      current = clients;
      return { clients, failures };
    },
    get: (cluster) => current.get(cluster),
  };
}

/** The site with cluster1 as the leader (override with `env`, e.g. `{ FEDERATED_KINDS: 'gc,gdp,ghr' }`). */
export async function createUnitSite(env: Record<string, string> = {}): Promise<UnitSite> {
  const clusters = Object.fromEntries(SITE_CLUSTERS.map((c) => [c, createInMemoryCluster({ context: c })])) as Record<SiteCluster, InMemoryCluster>;
  for (const name of SITE_CLUSTERS) {
    await clusters[name].client.create(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, amkoCluster({ isLeader: name === 'cluster1', clusterContext: name }));
  }
  const config = loadConfig(
    { REDIS_URL: 'redis://127.0.0.1:6379', POD_NAME: 'watcher-unit', MEMBER_CHECK_INTERVAL: '1h', STATUS_DEBOUNCE: '1ms', RESYNC_INTERVAL: '1h', ...env },
    { hostname: 'unit', pid: 1, stdoutIsTTY: false },
  );
  const local = clusters.cluster1.client;
  const recovered: (() => void)[] = [];
  const site: UnitSite = {
    clusters,
    local,
    stores: createInMemoryStores(),
    metrics: createWatcherMetrics({ defaultMetrics: false }),
    config,
    memberClients: inMemoryMemberClients(clusters),
    membersSource: createMembersKubeconfigSource({ inline: MEMBERS_KUBECONFIG, file: undefined, local, namespace: config.podNamespace }),
    readiness: { ready: true },
    adapters: () => ({
      local,
      stores: site.stores,
      storeHealth: { readiness: async () => site.readiness, onRecovered: (listener) => void recovered.push(listener) },
      memberClients: site.memberClients,
      membersSource: site.membersSource,
      close: async () => undefined,
      recovered: () => recovered.forEach((listener) => listener()),
    }),
    async conditions() {
      const object = await local.get(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, AMKO_NAME);
      return (object as { status?: { conditions?: AMKOClusterCondition[] } } | undefined)?.status?.conditions;
    },
    async setSpec(cluster, spec) {
      await clusters[cluster].client.mergePatch(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, AMKO_NAME, { spec });
    },
  };
  return site;
}
