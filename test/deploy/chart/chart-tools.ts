/**
 * What the chart tests share: the Helm and kubectl binaries scripts/ensure-helm.sh unpacks into
 * .tools/bin, rendering the chart, and reading rendered manifests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '@amko-fed/testing';

export const CHART_DIR = join(REPO_ROOT, 'deploy', 'charts', 'amko-federation');
export const HELM = join(REPO_ROOT, '.tools', 'bin', 'helm');
/** Helm 3 (v3.17.2): the chart must work with both. */
export const HELM3 = join(REPO_ROOT, '.tools', 'bin', 'helm3');
export const KUBECTL_135 = join(REPO_ROOT, '.tools', 'bin', 'kubectl-1.35');

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [key: string]: unknown;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end (no shell). */
export function run(program: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): RunResult {
  const result = spawnSync(program, args, { encoding: 'utf8', timeout: 120_000, env, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

/** Throws with stderr when the tools are missing: `npm test` installs them first (pretest). */
export function assertToolsInstalled(): void {
  for (const tool of [HELM, HELM3, KUBECTL_135]) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: run bash scripts/ensure-helm.sh (npm test runs it first)`);
  }
}

/** Runs a program without blocking the event loop (an in-process emulator must keep answering it). */
export function runAsync(program: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (err) => resolve({ status: null, stdout, stderr: stderr + String(err) }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const helmHome = (): NodeJS.ProcessEnv => ({ HELM_CACHE_HOME: join(REPO_ROOT, 'tmp', 'helm', 'cache'), HELM_CONFIG_HOME: join(REPO_ROOT, 'tmp', 'helm', 'config'), HELM_DATA_HOME: join(REPO_ROOT, 'tmp', 'helm', 'data') });

/** Helm against a cluster served by this process. */
export function helmAsync(args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return runAsync(HELM, args, { ...process.env, ...env, ...helmHome() });
}

export function helm(args: readonly string[], env: NodeJS.ProcessEnv = {}, binary = HELM): RunResult {
  return run(binary, args, { ...process.env, ...env, ...helmHome() });
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null && typeof m === 'object');
}

/** `helm template amko-federation <chart> -n avi-system [-f values…] [extra]`; throws with Helm's message. */
export function renderChart(valuesFiles: readonly string[] = [], extra: readonly string[] = []): Manifest[] {
  const result = helm(['template', 'amko-federation', CHART_DIR, '--namespace', 'avi-system', ...valuesFiles.flatMap((f) => ['-f', f]), ...extra]);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseManifests(result.stdout);
}

export function find(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is not rendered (have: ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')})`);
  return found;
}

export interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }
export interface Probe { httpGet?: { path: string; port: string | number }; tcpSocket?: { port: string | number }; exec?: { command: string[] }; periodSeconds?: number; failureThreshold?: number }
export interface Container {
  name: string; image: string; args?: string[]; command?: string[]; env?: EnvVar[];
  livenessProbe?: Probe; readinessProbe?: Probe; startupProbe?: Probe;
  resources?: unknown; securityContext?: unknown; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  ports?: { name?: string; containerPort: number }[];
}
export interface PodSpec { containers: Container[]; securityContext?: unknown; serviceAccountName?: string; automountServiceAccountToken?: boolean; volumes?: { name: string; secret?: { secretName: string; items?: unknown }; persistentVolumeClaim?: { claimName: string } }[] }
export interface Workload extends Manifest { spec: { replicas?: number; template: { spec: PodSpec } } }

export function podSpec(manifest: Manifest): PodSpec {
  return (manifest as Workload).spec.template.spec;
}

/**
 * The environment the kubelet would give a container: Secret references get `secrets[secret/key]`
 * (else a sample), field references sample values, and `$(VAR)` references are expanded as the
 * kubelet does.
 */
export function environmentOf(container: Container, secrets: Readonly<Record<string, string>> = {}): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.namespace': 'avi-system', 'metadata.name': 'pod-0' };
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    const raw = e.value ?? (ref ? (secrets[`${ref.name.replace(/-[a-z0-9]{10}$/, '')}/${ref.key}`] ?? `sample-${ref.key}`) : fields[e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '');
    env[e.name] = e.value === undefined ? raw : raw.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
  }
  return env;
}
