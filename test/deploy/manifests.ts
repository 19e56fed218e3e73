/**
 * The rendered deploy/ manifests (real kubectl) and what a kubelet makes of a container in them:
 * its environment (values, Secret keys, downward-API fields) and its mounted Secret files, so that a
 * test can start a workload exactly as a pod would run it, without retyping the manifests.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@amko-fed/testing';
import { parseAllDocuments } from 'yaml';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
}
export interface Container {
  name: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { limits?: { memory?: string } };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
export interface Volume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
  emptyDir?: Record<string, unknown>;
  persistentVolumeClaim?: { claimName: string };
}
export interface PodSpec {
  securityContext?: SecurityContext & { fsGroup?: number };
  containers: Container[];
  volumes?: Volume[];
  topologySpreadConstraints?: { topologyKey: string; labelSelector?: { matchLabels?: Record<string, string> } }[];
}
export interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: {
    replicas?: number;
    minAvailable?: number | string;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
  };
}

/** `kubectl kustomize deploy/<dir>`; fails the test with kubectl's message when it does not render. */
export function render(kubectl: string, dir: string): Manifest[] {
  const result = spawnSync(kubectl, ['kustomize', join(REPO_ROOT, 'deploy', dir)], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0 || result.stderr !== '') throw new Error(`kubectl kustomize deploy/${dir} failed (${result.status}): ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((d) => d.toJS() as Manifest);
}

export function podSpecOf(manifests: readonly Manifest[], deployment: string): PodSpec {
  const spec = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === deployment)?.spec?.template?.spec;
  if (!spec) throw new Error(`no Deployment ${deployment} in the rendered manifests`);
  return spec;
}

/** What the cluster holds for a pod: Secret keys by `<secret>/<key>`, downward-API fields by path. */
export interface PodSources {
  readonly secrets: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, string>>;
}

export interface ContainerRun {
  /** The environment the kubelet gives the container, with mount paths mapped into `mountRoot` (for a process on this machine). */
  readonly env: Record<string, string>;
  /** The same environment as the pod sees it (for a container, with `mounts` mounted). */
  readonly podEnv: Record<string, string>;
  /** The written volume directories (`source`) and where the pod mounts them (`target`). */
  readonly mounts: readonly { readonly source: string; readonly target: string }[];
  readonly args: readonly string[];
  /** The readiness probe's path, e.g. /readyz. */
  readonly readinessPath: string;
}

/**
 * Resolves the first container's environment as a kubelet would and writes its Secret volumes
 * under `mountRoot` (each mountPath becomes `mountRoot + mountPath`); an env value that names a
 * mounted path is mapped the same way. Fails on a Secret key or field the sources lack.
 */
export async function containerRun(pod: PodSpec, sources: PodSources, mountRoot: string): Promise<ContainerRun> {
  const container = pod.containers[0];
  if (!container) throw new Error('a pod without containers');
  const lookup = (table: Readonly<Record<string, string>>, key: string): string => {
    const value = table[key];
    if (value === undefined) throw new Error(`the test gives no value for ${key}, which ${container.name} reads`);
    return value;
  };
  const mounts = container.volumeMounts ?? [];
  for (const mount of mounts) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    const dir = join(mountRoot, mount.mountPath);
    await mkdir(dir, { recursive: true });
    if (volume?.secret) {
      for (const item of volume.secret.items ?? []) await writeFile(join(dir, item.path), lookup(sources.secrets, `${volume.secret.secretName}/${item.key}`), { mode: 0o644 });
    }
  }
  const mapped = (value: string): string => (mounts.some((m) => value === m.mountPath || value.startsWith(`${m.mountPath}/`)) ? join(mountRoot, value) : value);
  const podEnv: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) podEnv[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) podEnv[e.name] = lookup(sources.secrets, `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
    else if (e.valueFrom?.fieldRef) podEnv[e.name] = lookup(sources.fields, e.valueFrom.fieldRef.fieldPath);
    else throw new Error(`env ${e.name} of ${container.name} has neither value nor a known valueFrom`);
  }
  const env = Object.fromEntries(Object.entries(podEnv).map(([name, value]) => [name, mapped(value)]));
  const readinessPath = container.readinessProbe?.httpGet?.path;
  if (!readinessPath) throw new Error(`${container.name} has no HTTP readiness probe`);
  return { env, podEnv, mounts: mounts.map((m) => ({ source: join(mountRoot, m.mountPath), target: m.mountPath })), args: container.args ?? [], readinessPath };
}
