/**
 * Helpers of the process-level suites: leader-side writes through the emulators' REST API, reads of
 * follower copies and AMKOCluster conditions, and polling with functional deadlines.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PolicyRule } from '@amko-fed/kube-emulator';
import { amkoPath, eventually, REPO_ROOT, type Federation } from '@amko-fed/testing';
import { parseAllDocuments } from 'yaml';

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

export { eventually };

/** Each follower's GSLBConfig `refreshInterval` and GDP `ttl`, one pair per follower. */
async function followerValues(federation: Federation, followers: readonly string[]): Promise<unknown[][]> {
  return Promise.all(followers.map(async (c) => [(await specOn(federation, c, GC))?.['refreshInterval'], (await specOn(federation, c, GDP))?.['ttl']]));
}

/** Waits until every follower's GSLBConfig has `refreshInterval` and its GDP `ttl`. */
export async function followersHave(federation: Federation, followers: readonly string[], refreshInterval: number, ttl: number): Promise<void> {
  await eventually(
    () => followerValues(federation, followers),
    (all) => all.every(([interval, value]) => interval === refreshInterval && value === ttl),
  );
}

/** The leader creates the GSLBConfig and the GDP; waits until every follower has both. */
export async function createBoth(federation: Federation, followers: readonly string[], refreshInterval: number, ttl: number): Promise<void> {
  const leader = federation.kube('leader');
  await leader.create(collectionOf(GC), gslbConfigBody(refreshInterval));
  await leader.create(collectionOf(GDP), gdpBody(ttl));
  await followersHave(federation, followers, refreshInterval, ttl);
}

/** The leader merge-patches the GSLBConfig and the GDP; waits until every follower has both changes. */
export async function updateBoth(federation: Federation, followers: readonly string[], refreshInterval: number, ttl: number): Promise<void> {
  const leader = federation.kube('leader');
  await leader.mergePatch(pathOf(GC), { spec: { refreshInterval } });
  await leader.mergePatch(pathOf(GDP), { spec: { ttl } });
  await followersHave(federation, followers, refreshInterval, ttl);
}

/** The leader deletes the GSLBConfig and the GDP; waits until no follower has either. */
export async function deleteBoth(federation: Federation, followers: readonly string[]): Promise<void> {
  const leader = federation.kube('leader');
  await leader.delete(pathOf(GC));
  await leader.delete(pathOf(GDP));
  await eventually(
    () => Promise.all(followers.map(async (c) => [await specOn(federation, c, GC), await specOn(federation, c, GDP)])),
    (all) => all.every(([gc, gdp]) => gc === undefined && gdp === undefined),
  );
}

/** Waits until the leader's GSLBConfig Federation and GDP Federation conditions both report success. */
export async function bothFederated(federation: Federation): Promise<void> {
  await eventually(
    async () => [await conditionOf(federation, 'leader', 'GSLBConfig Federation'), await conditionOf(federation, 'leader', 'GDP Federation')],
    ([gc, gdp]) => gc?.status === SUCCESS && gdp?.status === SUCCESS,
  );
}

/** Text of a file under deploy/. */
export async function deployFile(...path: string[]): Promise<string> {
  return readFile(join(REPO_ROOT, 'deploy', ...path), 'utf8');
}

/** Writes (create, update, patch, delete) a cluster received for a resource since its log was cleared. */
export function writesTo(federation: Federation, cluster: string, plural: string): number {
  return federation.cluster(cluster).requestLog.writes({ resource: plural }).length;
}

/** GSLBHostRules in avi-system (opt-in kind): their paths and a valid body. */
export const GHR = { version: 'v1alpha1', plural: 'gslbhostrules' } as const;
export const ghrPath = (name: string): string => amkoPath(GHR.version, GHR.plural, 'avi-system', name);
export const ghrCollection = (): string => amkoPath(GHR.version, GHR.plural, 'avi-system');

export function gslbHostRuleBody(name: string, ttl: number, annotations: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBHostRule',
    metadata: { name, namespace: 'avi-system', annotations: { ...annotations } },
    spec: { fqdn: `${name}.gslb.example.com`, ttl, sitePersistence: { enabled: false }, healthMonitorRefs: ['hm-1'] },
  };
}

/** A cluster's object at `path` (undefined when absent). */
export async function objectOn(federation: Federation, cluster: string, path: string): Promise<Record<string, unknown> | undefined> {
  return federation.kube(cluster).get(path);
}

/** Every request any cluster of the federation answered with 403, one line each (empty when none). */
export function forbiddenRequests(federation: Federation): string[] {
  return federation.clusters.flatMap((cluster) =>
    cluster.requestLog
      .entries()
      .filter((e) => e.status === 403)
      .map((e) => `${cluster.name}: ${e.user ?? '?'} ${e.verb ?? e.method} ${e.resource ?? ''}${e.subresource ? `/${e.subresource}` : ''} ${e.namespace ?? '(cluster)'}/${e.name ?? ''} (${e.method} ${e.path})`),
  );
}

interface RbacDocument {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly rules?: readonly { readonly apiGroups?: string[]; readonly resources?: string[]; readonly verbs?: string[]; readonly resourceNames?: string[] }[];
  readonly roleRef?: { readonly kind?: string; readonly name?: string };
  readonly subjects?: readonly { readonly kind?: string; readonly name?: string; readonly namespace?: string }[];
}

/**
 * The emulator rules equivalent to an RBAC manifest (multi-document YAML text): the rules of every
 * ClusterRole and Role that a (Cluster)RoleBinding in the text grants to the ServiceAccount
 * `serviceAccount`. A ClusterRole through a ClusterRoleBinding applies in every namespace (no
 * `namespaces`); a Role, or a ClusterRole through a RoleBinding, only in the binding's namespace
 * (`defaultNamespace` where the manifest leaves it to kustomize).
 */
export function rulesGrantedTo(manifest: string, serviceAccount: string, defaultNamespace: string): PolicyRule[] {
  const docs = parseAllDocuments(manifest).map((d) => d.toJS() as RbacDocument | null).filter((d): d is RbacDocument => d !== null);
  const rules: PolicyRule[] = [];
  for (const binding of docs.filter((d) => d.kind === 'RoleBinding' || d.kind === 'ClusterRoleBinding')) {
    const bindingNamespace = binding.metadata?.namespace ?? defaultNamespace;
    const grantsIt = (binding.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && (s.namespace ?? bindingNamespace) === defaultNamespace);
    if (!grantsIt) continue;
    const role = docs.find((d) => d.kind === binding.roleRef?.kind && d.metadata?.name === binding.roleRef?.name);
    if (role === undefined) throw new Error(`${binding.kind} ${binding.metadata?.name ?? ''} refers to ${binding.roleRef?.kind ?? ''} ${binding.roleRef?.name ?? ''}, which the manifest does not define`);
    const namespaces = binding.kind === 'ClusterRoleBinding' ? undefined : [role.metadata?.namespace ?? bindingNamespace];
    for (const rule of role.rules ?? []) {
      rules.push({
        verbs: rule.verbs ?? [],
        resources: rule.resources ?? [],
        apiGroups: rule.apiGroups ?? [],
        ...(namespaces === undefined ? {} : { namespaces }),
        ...(rule.resourceNames === undefined ? {} : { resourceNames: rule.resourceNames }),
      });
    }
  }
  return rules;
}

/** What a run of the amko-fed binary printed and how it exited. */
export interface CliRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** Runs the amko-fed binary as a user would, with the federation's members kubeconfig, Redis and key prefix. */
export function amkoFed(federation: Federation, args: readonly string[], home: string = federation.workDir): Promise<CliRun> {
  return runAmkoFed(args, { HOME: home, KUBECONFIG: federation.membersKubeconfigFile, REDIS_URL: federation.redisUrl, KEY_PREFIX: federation.prefix });
}

/** Runs the amko-fed binary with `env` (and PATH) only: nothing else of the test's environment leaks in. */
export function runAmkoFed(args: readonly string[], env: Readonly<Record<string, string>>): Promise<CliRun> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'apps', 'cli', 'src', 'cli.ts'), ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

/** Fields of a log record worth a column in a failure timeline. */
const TIMELINE_FIELDS = ['cluster', 'objectKey', 'seq', 'jobId', 'op', 'source', 'reason', 'change', 'full', 'jobs'] as const;

/**
 * The last `limit` log records (those `keep` accepts) of the watcher and the replicator merged by
 * time, one short line each (time, app, level, component, message, the fields above, the error
 * message): what a failed end-to-end assertion appends to its message, so a failure on a CI
 * machine can be read from the test output alone. The logs hold no secrets (every suite checks that), so neither does this.
 */
export async function timelineOf(federation: Federation, limit = 200, keep: (record: Readonly<Record<string, unknown>>) => boolean = () => true): Promise<string> {
  const records: { time: number; line: string }[] = [];
  for (const name of ['watcher', 'replicator'] as const) {
    for (const raw of (await federation.app(name).logs()).split('\n')) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (!keep(record)) continue;
      const time = typeof record['time'] === 'number' ? record['time'] : 0;
      const fields = TIMELINE_FIELDS.flatMap((f) => (record[f] === undefined ? [] : [`${f}=${typeof record[f] === 'string' ? record[f] : JSON.stringify(record[f])}`]));
      const err = (record['err'] as { message?: unknown } | undefined)?.message;
      const line = [new Date(time).toISOString().slice(11, 23), name[0], String(record['level']), String(record['component'] ?? '-'), String(record['msg']), ...fields, ...(typeof err === 'string' ? [`err=${err.slice(0, 120)}`] : [])].join(' ');
      records.push({ time, line });
    }
  }
  records.sort((a, b) => a.time - b.time);
  return records.slice(-limit).map((r) => r.line.slice(0, 400)).join('\n');
}

/**
 * Runs `check`; when it fails, the federation's log timeline is appended to the error, and what
 * `context` tells (e.g. the Redis topology's failovers) after it.
 */
export async function withTimeline<T>(federation: Federation, check: () => Promise<T>, context?: () => Promise<string>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof Error) {
      err.message += `\n--- log timeline (watcher w, replicator r) ---\n${await timelineOf(federation)}`;
      const told = await context?.().catch((e: unknown) => `(could not tell: ${String(e)})`);
      if (told !== undefined) err.message += `\n--- context ---\n${told}`;
    }
    throw err;
  }
}
