/**
 * A shell-script federation, driven from here instead of bash but doing what the script does:
 *
 *   kubectl get gslbconfigs -n NS --watch -o name | while read obj; do
 *     kubectl get "$obj" -n NS -o json | jq 'del(server-set metadata)' > obj.json
 *     for ctx in $FOLLOWERS; do kubectl --context "$ctx" -n NS apply -f obj.json; done
 *   done
 *
 * The real kubectl (the version matching the server, as the /usr/bin/kubectl dispatcher picks it),
 * the members kubeconfig the harness writes, one HOME and cache directory for the whole loop (as a
 * script's ~/.kube/cache). Lines are handled one after another, each only once, in order (a pipe
 * into `while read`); the jq step is done here. No retry: a failed apply is lost until the next
 * change of that object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { versionInfo } from '@amko-fed/kube-emulator';
import type { Running } from './child.ts';

export interface KubectlLoopOptions {
  readonly kubeconfigFile: string;
  readonly leader: string;
  readonly followers: readonly string[];
  readonly namespace: string;
  /** HOME (and kubectl's cache) of the loop. */
  readonly workDir: string;
}

export interface KubectlLoop extends Running {
  /** kubectl commands that exited with an error. */
  readonly failures: number;
  /** kubectl processes started. */
  readonly invocations: number;
}

/** The kubectl binary for the emulator's server version, else the dispatcher. */
export function kubectlBinary(): string {
  const direct = `/usr/lib/google-cloud-sdk/bin/kubectl.1.${versionInfo.minor}`;
  return existsSync(direct) ? direct : '/usr/bin/kubectl';
}

/** What `jq 'del(...)'` removes: the fields the leader's server set, which would make the apply a conflict or a no-op elsewhere. */
export function stripServerFields(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = { ...(object['metadata'] as Record<string, unknown>) };
  for (const field of ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink']) delete metadata[field];
  const annotations = metadata['annotations'] as Record<string, string> | undefined;
  if (annotations !== undefined) {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _last, ...rest } = annotations;
    if (Object.keys(rest).length > 0) metadata['annotations'] = rest;
    else delete metadata['annotations'];
  }
  const { status: _status, ...rest } = object;
  return { ...rest, metadata };
}

export async function startKubectlLoop(options: KubectlLoopOptions): Promise<KubectlLoop> {
  const home = join(options.workDir, 'kubectl-home');
  await mkdir(home, { recursive: true });
  const binary = kubectlBinary();
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home };
  const children = new Set<ChildProcess>();
  let failures = 0;
  let invocations = 0;
  let stopped = false;

  const kubectl = (context: string, args: readonly string[], input?: string): Promise<{ code: number | null; stdout: string }> =>
    new Promise((resolve) => {
      invocations += 1;
      const child = spawn(binary, ['--kubeconfig', options.kubeconfigFile, '--context', context, '-n', options.namespace, ...args], { env, stdio: ['pipe', 'pipe', 'ignore'] });
      children.add(child);
      let stdout = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      child.once('error', () => resolve({ code: -1, stdout }));
      child.once('close', (code) => {
        children.delete(child);
        if (code !== 0 && !stopped) failures += 1;
        resolve({ code, stdout });
      });
      child.stdin?.end(input ?? '');
    });

  async function federate(name: string): Promise<void> {
    const got = await kubectl(options.leader, ['get', name, '-o', 'json']);
    if (got.code !== 0 || stopped) return;
    const manifest = JSON.stringify(stripServerFields(JSON.parse(got.stdout) as Record<string, unknown>));
    for (const follower of options.followers) {
      if (stopped) return;
      await kubectl(follower, ['apply', '-f', '-'], manifest);
    }
  }

  const lines: string[] = [];
  let wake: (() => void) | undefined;
  const watch = spawn(binary, ['--kubeconfig', options.kubeconfigFile, '--context', options.leader, '-n', options.namespace, 'get', 'gslbconfigs.amko.vmware.com', '--watch', '-o', 'name'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  children.add(watch);
  let partial = '';
  watch.stdout?.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.trim() !== ''));
    wake?.();
  });
  const loop = (async () => {
    while (!stopped) {
      const line = lines.shift();
      if (line === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      await federate(line.trim());
    }
  })();

  return {
    get failures() {
      return failures;
    },
    get invocations() {
      return invocations;
    },
    async stop() {
      stopped = true;
      wake?.();
      for (const child of children) child.kill('SIGKILL');
      await loop;
    },
  };
}
