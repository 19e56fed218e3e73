/**
 * Runs the real `kubectl` against a cluster: its own kubeconfig file, a fresh `--cache-dir`,
 * `KUBECONFIG` unset and HOME in a temporary directory, so nothing leaks between runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Kubectl {
  /** Runs kubectl to completion. */
  run(args: readonly string[], options?: { readonly env?: Record<string, string>; readonly input?: string }): Promise<KubectlResult>;
  /** Starts kubectl and returns the child (for `get -w` and waiting deletes). */
  spawn(args: readonly string[]): ChildProcess;
  /** A file in the run's temporary directory. */
  file(name: string, content: string, mode?: number): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * `parentEnv` supplies PATH and LANG (spec files pass `process.env`); `binary` defaults to
 * /usr/bin/kubectl (the dispatcher that picks kubectl 1.<server minor>).
 */
export async function kubectlFor(
  kubeconfig: string,
  context: string,
  parentEnv: Readonly<Record<string, string | undefined>>,
  binary = '/usr/bin/kubectl',
): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'kubectl-suite-'));
  const home = join(dir, 'home');
  const kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(kubeconfigFile, kubeconfig, { mode: 0o600 });
  let cacheCount = 0;
  const children = new Set<ChildProcess>();
  const baseEnv = (): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const key of ['PATH', 'LANG', 'TMPDIR']) {
      const value = parentEnv[key];
      if (value !== undefined) env[key] = value;
    }
    return { ...env, HOME: home };
  };
  const argv = (args: readonly string[]): string[] => [
    '--kubeconfig',
    kubeconfigFile,
    '--context',
    context,
    '--cache-dir',
    join(dir, `cache-${++cacheCount}`),
    '--request-timeout=20s',
    ...args,
  ];
  const start = (args: readonly string[], env: Record<string, string> = {}): ChildProcess => {
    const child = spawn(binary, argv(args), { env: { ...baseEnv(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  return {
    run: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const child = start(args, options.env);
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        child.once('error', reject);
        child.once('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin?.end(options.input ?? '');
      }),
    spawn: (args) => start(args),
    file: async (name, content, mode = 0o644) => {
      const path = join(dir, name);
      await writeFile(path, content, { mode });
      return path;
    },
    dispose: async () => {
      for (const child of children) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Collects a child's stdout lines as they come. */
export function linesOf(child: ChildProcess): string[] {
  const lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  return lines;
}

/** Resolves with the exit code (and the output) of a spawned child. */
export function exitOf(child: ChildProcess): Promise<KubectlResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
