/**
 * In-process integration fixture: emulated clusters (a leader and followers, each follower with its
 * AMKOCluster), the run's Redis under an isolated prefix, and the leader-side writes the watcher
 * would make (projection events, member registry, jobs), so the replicator can be driven without
 * the watcher. Only specs import this (they may use the emulator and the testing lib).
 */
import {
  AMKO_CLUSTER_KIND,
  AVI_SYSTEM_NAMESPACE,
  FEDERATED_KINDS,
  hashFederatedContent,
  parseObjectKey,
  type MemberState,
  type ObjectKey,
  type ResultRecord,
} from '@amko-fed/domain';
import { createClusterClient, kubeConfigForContext, type ClusterClient } from '@amko-fed/kube';
import { kubeconfigYaml, startEmulatedCluster, type EmulatedCluster } from '@amko-fed/kube-emulator';
import {
  createRedisConnection,
  followerJobOptions,
  type BullFollowerQueues,
  type FederationLog,
  type MemberRegistry,
  type ResultsStore,
} from '@amko-fed/queue';
import { createLogger } from '@amko-fed/service';
import { eventually, isolatedPrefix } from '@amko-fed/testing';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createReplicatorAdapters, createReplicatorStores } from '../src/adapters.ts';
import { createReplicator, type Replicator, type ReplicatorDeps } from '../src/replicator.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export const AMKO_VERSION = '1.13.1';
export const GC_KEY = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
export const GDP_KEY = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;

type KubeBody = Parameters<ClusterClient['create']>[2];

/** A leader GSLBConfig as the watcher would capture it. */
export function gslbConfig(refreshInterval: number, name = 'gc-1'): KubeBody {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBConfig',
    metadata: { name, namespace: AVI_SYSTEM_NAMESPACE, annotations: { 'amko.vmware.com/amko-uuid': '3e328a5c-a717-11ed-a422-0a580a80025b' } },
    spec: { gslbLeader: { credentials: 'gslb-avi-secret', controllerVersion: '22.1.3', controllerIP: '10.10.10.1' }, memberClusters: [{ clusterContext: 'leader' }], refreshInterval, logLevel: 'INFO' },
  };
}

/** A leader GlobalDeploymentPolicy. */
export function gdp(ttl: number, name = 'global-gdp'): KubeBody {
  return {
    apiVersion: 'amko.vmware.com/v1alpha2',
    kind: 'GlobalDeploymentPolicy',
    metadata: { name, namespace: AVI_SYSTEM_NAMESPACE },
    spec: { matchRules: { appSelector: { label: { app: 'gslb' } } }, matchClusters: [{ cluster: 'leader' }], ttl },
  };
}

export function keyOf(object: KubeBody): ObjectKey {
  return `${object.kind as 'GSLBConfig'}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

export { eventually };

export interface CapturedLogs {
  readonly lines: string[];
  text(): string;
}

export interface ReplicatorFixture {
  readonly prefix: string;
  readonly redisUrl: string;
  readonly leader: EmulatedCluster;
  readonly followers: readonly EmulatedCluster[];
  readonly kubeconfigText: string;
  readonly log: FederationLog;
  readonly registry: MemberRegistry;
  /** The BullMQ adapter (tests look at delayed jobs through its queues). */
  readonly queues: BullFollowerQueues;
  readonly results: ResultsStore;
  /** The replicator's log lines (JSON), for assertions about what it logged. */
  readonly logs: CapturedLogs;
  client(cluster: string): ClusterClient;
  follower(name: string): EmulatedCluster;
  /** The environment for loadConfig, with overrides. */
  env(overrides?: Record<string, string>): Record<string, string>;
  startReplicator(overrides?: Record<string, string>, deps?: Pick<ReplicatorDeps, 'random'>): Promise<Replicator>;
  /** Publishes the member registry: every follower valid unless `states` says otherwise. */
  publishMembers(states?: Record<string, MemberState>): Promise<void>;
  /** Captures a leader upsert into the projection and enqueues it for `to` (default every follower). */
  upsert(object: KubeBody, to?: readonly string[]): Promise<number>;
  /** Captures a leader delete (tombstone) and enqueues it. */
  remove(objectKey: ObjectKey, to?: readonly string[]): Promise<number>;
  /** The follower's copy of an object (undefined when absent). */
  followerObject(cluster: string, objectKey: ObjectKey): Promise<Record<string, unknown> | undefined>;
  result(cluster: string, objectKey: ObjectKey): Promise<ResultRecord | undefined>;
  /** Writes (POST/PUT/PATCH/DELETE) a follower received for one object. */
  writesOn(cluster: string, objectKey: ObjectKey): number;
  close(): Promise<void>;
}

export interface FixtureOptions {
  readonly followers?: readonly string[];
  /** Override the Redis URL (e.g. a private Redis that the test restarts). */
  readonly redisUrl?: string;
}

export async function replicatorFixture(options: FixtureOptions = {}): Promise<ReplicatorFixture> {
  const prefix = isolatedPrefix('rep');
  const redisUrl = options.redisUrl ?? inject('redisUrl');
  const followerNames = options.followers ?? ['follower1', 'follower2', 'follower3'];
  const leader = await startEmulatedCluster({ name: 'leader' });
  const followers = await Promise.all(followerNames.map((name) => startEmulatedCluster({ name })));
  const all = [leader, ...followers];
  const kubeconfigText = kubeconfigYaml(all);
  const clients = new Map(all.map((c) => [c.name, createClusterClient({ context: c.name, kubeConfig: kubeConfigForContext(kubeconfigText, c.name), timeoutMs: 5_000 })]));
  const client = (name: string): ClusterClient => {
    const found = clients.get(name);
    if (!found) throw new Error(`no cluster ${name}`);
    return found;
  };
  for (const cluster of all) {
    await client(cluster.name).create(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, {
      apiVersion: 'amko.vmware.com/v1alpha1',
      kind: 'AMKOCluster',
      metadata: { name: 'amkocluster-federation', namespace: AVI_SYSTEM_NAMESPACE },
      spec: { isLeader: cluster === leader, clusterContext: cluster.name, version: AMKO_VERSION, clusters: all.map((c) => c.name) },
    });
  }
  const redis = createRedisConnection(redisUrl, { role: 'client' });
  const { log, registry, queues, results } = createReplicatorStores(redis, prefix, { defaultJobOptions: followerJobOptions({ attempts: 12 }) });
  const lines: string[] = [];
  const logs: CapturedLogs = { lines, text: () => lines.join('') };
  const started: Replicator[] = [];
  let rv = 100;

  function env(overrides: Record<string, string> = {}): Record<string, string> {
    return { REDIS_URL: redisUrl, KEY_PREFIX: prefix, GSLB_CONFIG: kubeconfigText, HTTP_PORT: '0', LOG_LEVEL: 'debug', RETRY_BASE: '50ms', RETRY_CAP: '500ms', ...overrides };
  }

  async function enqueue(objectKey: ObjectKey, seq: number, to: readonly string[] | undefined): Promise<void> {
    await queues.enqueueMany((to ?? followerNames).map((cluster) => ({ cluster, objectKey, seq, reason: 'event' as const })));
  }

  return {
    prefix,
    redisUrl,
    leader,
    followers,
    kubeconfigText,
    log,
    registry,
    queues,
    results,
    logs,
    client,
    follower: (name) => {
      const found = followers.find((f) => f.name === name);
      if (!found) throw new Error(`no follower ${name}`);
      return found;
    },
    env,
    async startReplicator(overrides = {}, extra = {}) {
      const config = loadConfig(env(overrides));
      const destination = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const logger = createLogger({ name: 'replicator', level: config.logLevel, destination });
      const replicator = createReplicator({ config, logger, adapters: createReplicatorAdapters(config, logger), ...extra });
      started.push(replicator);
      await replicator.start();
      return replicator;
    },
    async publishMembers(states = {}) {
      // Epoch 1, as a watcher that took its leadership epoch publishes (the followers hold no token: writes go ahead).
      await registry.publishMembers({ leader: leader.name, epoch: 1, members: followerNames.map((cluster) => ({ cluster, state: states[cluster] ?? 'valid' })) });
    },
    async upsert(object, to) {
      const objectKey = keyOf(object);
      const kind = parseObjectKey(objectKey)?.kind ?? 'GSLBConfig';
      rv += 1;
      const seq = await log.appendEvent({
        op: 'upsert', objectKey, kind, resourceVersion: String(rv), contentHash: hashFederatedContent(object, FEDERATED_KINDS[kind]), object: object as Record<string, unknown>, source: 'watch',
      });
      await enqueue(objectKey, seq, to);
      return seq;
    },
    async remove(objectKey, to) {
      const kind = parseObjectKey(objectKey)?.kind ?? 'GSLBConfig';
      rv += 1;
      const seq = await log.appendEvent({ op: 'delete', objectKey, kind, resourceVersion: String(rv), source: 'watch' });
      await enqueue(objectKey, seq, to);
      return seq;
    },
    async followerObject(cluster, objectKey) {
      const ref = parseObjectKey(objectKey);
      if (!ref) throw new Error(`bad key ${objectKey}`);
      return (await client(cluster).get(FEDERATED_KINDS[ref.kind], ref.namespace, ref.name)) as Record<string, unknown> | undefined;
    },
    result: (cluster, objectKey) => results.readResult(cluster, objectKey),
    writesOn(cluster, objectKey) {
      const ref = parseObjectKey(objectKey);
      if (!ref) throw new Error(`bad key ${objectKey}`);
      const resource = FEDERATED_KINDS[ref.kind].plural;
      const target = followers.find((f) => f.name === cluster);
      if (!target) throw new Error(`no follower ${cluster}`);
      // A create is logged without the object name (POST to the collection): count it by body-less path.
      return target.requestLog
        .writes({ resource, namespace: ref.namespace })
        .filter((e) => e.name === ref.name || (e.verb === 'create' && e.name === undefined)).length;
    },
    async close() {
      await Promise.all(started.map((r) => r.stop().catch(() => undefined)));
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
      await Promise.all(all.map((c) => c.close()));
    },
  };
}

/** `spec` of a follower copy (or undefined). */
export function specOf(object: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return object?.['spec'] as Record<string, unknown> | undefined;
}
