/**
 * The `emulator` launcher: parses `up --clusters a,b --kubeconfig FILE [--crds DIR]
 * [--port-base N] [--http] [--namespace NS]...`, starts the clusters, writes one kubeconfig with a
 * context per cluster and reports what it did. The process wiring (signals, exit codes) is in cli.ts.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulatedClusters, type EmulatedCluster } from './cluster.ts';
import { defaultCrdsDir } from './crd-loader.ts';
import { writeKubeconfig } from './kubeconfig.ts';

export const launcherUsage = `Usage: npm run emulator -- up --clusters NAMES --kubeconfig FILE [options]

Starts emulated Kubernetes API servers (one per cluster, on 127.0.0.1), loads the CRDs, creates
the namespaces and writes one kubeconfig with a context, cluster and user per cluster (context name
= cluster name). Runs until SIGINT or SIGTERM.

Options:
  --clusters NAMES      comma-separated cluster (context) names, e.g. cluster1,cluster2,cluster3
                        (required); any kubeconfig context name without a comma or control
                        character, e.g. 'arn:aws:eks:us-east-1:1:cluster/site3,clusterA'
  --kubeconfig FILE     where to write the kubeconfig (required; mode 0600, it holds the tokens)
  --crds DIR            directory of CRD manifests (default: the repository's deploy/crds)
  --port-base N         listen on N, N+1, ... (default: free ports)
  --http                plain HTTP instead of HTTPS with a generated CA
  --namespace NS        namespace to create in every cluster (repeatable; default: avi-system)
  --bookmark-interval-ms N  BOOKMARK cadence on watches that allow them (default: 1000)
  -h, --help            show this help

Admin endpoint per cluster (cluster token): GET|POST|DELETE /_emulator/faults,
GET|DELETE /_emulator/requests, POST /_emulator/watches/drop, POST /_emulator/history/compact,
POST /_emulator/outage {"durationMs": N}.`;

export class LauncherUsageError extends Error {
  readonly code = 'LAUNCHER_USAGE';
}

export interface LauncherOptions {
  readonly clusters: readonly string[];
  readonly kubeconfig: string;
  readonly crdsDir: string;
  readonly portBase: number | undefined;
  readonly http: boolean;
  readonly namespaces: readonly string[];
  readonly bookmarkIntervalMs: number;
}

export type LauncherCommand = { readonly kind: 'help' } | { readonly kind: 'up'; readonly options: LauncherOptions };

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/u;

function positiveInteger(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new LauncherUsageError(`${flag} must be an integer from 1 to ${max}, got "${value}"`);
  return n;
}

/** Parses the launcher's arguments (relative paths resolve against `cwd`). */
export function parseLauncherArgs(args: readonly string[], cwd: string): LauncherCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        clusters: { type: 'string' },
        kubeconfig: { type: 'string' },
        crds: { type: 'string' },
        'port-base': { type: 'string' },
        http: { type: 'boolean', default: false },
        namespace: { type: 'string', multiple: true },
        'bookmark-interval-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (cause) {
    throw new LauncherUsageError((cause as Error).message, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const command = positionals[0];
  if (command !== 'up') throw new LauncherUsageError(command === undefined ? 'missing command: up' : `unknown command "${command}" (the only command is "up")`);
  if (positionals.length > 1) throw new LauncherUsageError(`unexpected argument "${positionals[1]}"`);
  if (!values.clusters) throw new LauncherUsageError('--clusters is required, e.g. --clusters cluster1,cluster2');
  const clusters = values.clusters.split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (clusters.length === 0) throw new LauncherUsageError('--clusters names no cluster');
  // Clusters are told apart by their port, and the name is only the kubeconfig context, cluster and
  // user name, so any context name works (`:`, `/`, spaces, braces); control characters cannot be
  // written in a kubeconfig line.
  for (const name of clusters) {
    if (controlCharacter.test(name) || !name.isWellFormed()) throw new LauncherUsageError(`cluster name ${JSON.stringify(name)} must not contain control characters`);
  }
  const duplicate = clusters.find((name, i) => clusters.indexOf(name) !== i);
  if (duplicate) throw new LauncherUsageError(`cluster "${duplicate}" is named twice`);
  if (!values.kubeconfig) throw new LauncherUsageError('--kubeconfig FILE is required');
  const portBase = positiveInteger(values['port-base'], '--port-base', 65535 - clusters.length + 1);
  const namespaces = values.namespace ?? ['avi-system'];
  for (const ns of namespaces) {
    if (!dnsLabel.test(ns)) throw new LauncherUsageError(`namespace "${ns}" must be a DNS label`);
  }
  return {
    kind: 'up',
    options: {
      clusters,
      kubeconfig: resolve(cwd, values.kubeconfig),
      crdsDir: values.crds === undefined ? defaultCrdsDir : resolve(cwd, values.crds),
      portBase,
      http: values.http,
      namespaces,
      bookmarkIntervalMs: positiveInteger(values['bookmark-interval-ms'], '--bookmark-interval-ms', 3_600_000) ?? 1000,
    },
  };
}

export interface RunningClusters {
  readonly clusters: readonly EmulatedCluster[];
  close(): Promise<void>;
}

/** Starts the clusters and writes the kubeconfig; `report` receives one line per thing done. */
export async function launchClusters(options: LauncherOptions, report: (line: string) => void): Promise<RunningClusters> {
  const dir = await stat(options.crdsDir).catch(() => undefined);
  if (!dir?.isDirectory()) throw new LauncherUsageError(`--crds ${options.crdsDir} is not a directory`);
  const clusters = await startEmulatedClusters(options.clusters, {
    crdsDir: options.crdsDir,
    http: options.http,
    namespaces: options.namespaces,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
    ...(options.portBase === undefined ? {} : { portBase: options.portBase }),
  });
  try {
    await writeKubeconfig(options.kubeconfig, clusters);
  } catch (err) {
    await Promise.all(clusters.map((c) => c.close()));
    throw err;
  }
  const first = clusters[0];
  const crdCount = first ? first.store.list('apiextensions.k8s.io/customresourcedefinitions').length : 0;
  for (const c of clusters) report(`cluster ${c.name}: ${c.url}`);
  report(`loaded ${crdCount} CRDs from ${options.crdsDir} into every cluster; namespaces: ${options.namespaces.join(', ')}`);
  report(`kubeconfig: ${options.kubeconfig} (contexts: ${clusters.map((c) => c.name).join(', ')}; current: ${first?.name ?? ''})`);
  return {
    clusters,
    close: async () => {
      await Promise.all(clusters.map((c) => c.close()));
    },
  };
}
