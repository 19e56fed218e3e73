/**
 * AMKO's runbooks as drills against a running sandbox: each step is a command an operator would
 * type (kubectl, amko-fed, npm run sandbox) with what it must show; the runner prints the command
 * and what came back, retries a check that waits for something to converge, and ends with a
 * verdict. Drills find the current leader themselves, so they can run again after one another.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@amko-fed/testing';
import { controlCommandLine, sendControl } from './control-client.ts';
import type { ControlCommand } from './control-server.ts';
import type { SandboxState } from './sandbox.ts';

export const DRILLS = ['leader-site-failure', 'recover-failed-instance'] as const;
export type DrillName = (typeof DRILLS)[number];

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

type Action =
  | { readonly kind: 'kubectl'; readonly args: readonly string[] }
  | { readonly kind: 'amko-fed'; readonly args: readonly string[]; readonly site?: string }
  | { readonly kind: 'sandbox'; readonly command: ControlCommand };

export interface DrillStep {
  /** What the runbook says to do, in words. */
  readonly say: string;
  readonly action: Action;
  /** A problem with what came back, or undefined when it is what the runbook expects. */
  readonly check?: (ran: Ran) => string | undefined;
  /** Run again until the check passes, at most this long (convergence). @defaultValue 0 (once) */
  readonly retryForMs?: number;
}

export interface DrillIo {
  out(text: string): void;
  /** Resolves when the operator wants the next step (--step), at once otherwise. */
  pause(): Promise<void>;
}

export interface DrillOptions {
  readonly workDir: string;
  readonly io: DrillIo;
  /** Where `amko-fed backup` writes (recover-failed-instance). */
  readonly backupDir: string;
  /** PATH (kubectl) and HOME for the commands the drill runs. */
  readonly env: { readonly PATH: string; readonly HOME: string };
}

const NS = ['-n', 'avi-system'];
const CONTROLLER_IP = '10.20.0.5';

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function run(file: string, args: readonly string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, [...args], { encoding: 'utf8', env, timeout: 240_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

const expectCode = (code: number, also?: (ran: Ran) => string | undefined) => (ran: Ran): string | undefined =>
  ran.code !== code ? `exit ${ran.code}, expected ${code}` : also?.(ran);
const expectOutput = (text: string) => (ran: Ran): string | undefined => (ran.code === 0 && ran.stdout.trim() === text ? undefined : `got "${ran.stdout.trim()}"${ran.stderr ? ` (${ran.stderr.trim()})` : ''}, expected "${text}"`);

/** The steps of a drill for the sandbox as it is now (leader = the site whose AMKOCluster says isLeader: true). */
export function drillSteps(name: DrillName, leader: string, followers: readonly string[], backupDir: string): DrillStep[] {
  const [next = '', other] = followers;
  const isLeaderOf = (cluster: string): Action => ({ kind: 'kubectl', args: ['--context', cluster, ...NS, 'get', 'amkocluster', 'amkocluster-federation', '-o', 'jsonpath={.spec.isLeader}'] });
  const controllerIpOf = (cluster: string): Action => ({ kind: 'kubectl', args: ['--context', cluster, ...NS, 'get', 'gslbconfig', 'gc-1', '-o', 'jsonpath={.spec.gslbLeader.controllerIP}'] });
  const demoteAndConverge: DrillStep[] = [
    { say: `${leader} is back and still says isLeader: true: the new leader reports the dual leader and writes nothing into it`, action: { kind: 'amko-fed', site: next, args: ['--context', next, 'status'] }, check: expectCode(4, (r) => (r.stdout.includes(`AMKO in cluster ${leader} is also a leader, conflicting state`) ? undefined : 'no dual-leader condition')), retryForMs: 60_000 },
    { say: `Demote the old leader ${leader} (AMKO docs: set isLeader to false on the returning old leader)`, action: { kind: 'kubectl', args: ['--context', leader, ...NS, 'patch', 'amkocluster', 'amkocluster-federation', '--type', 'merge', '-p', '{"spec":{"isLeader":false}}'] }, check: expectCode(0) },
    { say: `Every follower of ${next}, ${leader} included, converges`, action: { kind: 'amko-fed', site: next, args: ['--context', next, 'status', '--wait', '--timeout', '3m'] }, check: expectCode(0) },
    { say: `${leader} now holds the new leader's gc-1`, action: controllerIpOf(leader), check: expectOutput(CONTROLLER_IP), retryForMs: 60_000 },
  ];
  switch (name) {
    case 'leader-site-failure':
      return [
        { say: `Before: ${leader} leads and every follower is in sync`, action: { kind: 'amko-fed', site: leader, args: ['--context', leader, 'status', '--wait', '--timeout', '3m'] }, check: expectCode(0) },
        { say: `The leader's site ${leader} fails`, action: { kind: 'sandbox', command: { command: 'fail', cluster: leader } }, check: expectCode(0) },
        { say: `On ${next}, the new leader site: edit gc-1's controllerIP to the new leader site's Avi controller`, action: { kind: 'kubectl', args: ['--context', next, ...NS, 'patch', 'gslbconfig', 'gc-1', '--type', 'merge', '-p', JSON.stringify({ spec: { gslbLeader: { controllerIP: CONTROLLER_IP } } })] }, check: expectCode(0) },
        { say: `On ${next}: set isLeader: true on amkocluster-federation`, action: { kind: 'kubectl', args: ['--context', next, ...NS, 'patch', 'amkocluster', 'amkocluster-federation', '--type', 'merge', '-p', '{"spec":{"isLeader":true}}'] }, check: expectCode(0) },
        { say: `${next} now leads`, action: isLeaderOf(next), check: expectOutput('true') },
        ...(other === undefined ? [] : [{ say: `${other} receives the new controllerIP from ${next}`, action: controllerIpOf(other), check: expectOutput(CONTROLLER_IP), retryForMs: 120_000 } satisfies DrillStep]),
        { say: `The old leader's site ${leader} recovers`, action: { kind: 'sandbox', command: { command: 'recover', cluster: leader } }, check: expectCode(0) },
        { say: `${leader} still says isLeader: true`, action: isLeaderOf(leader), check: expectOutput('true') },
        ...demoteAndConverge,
      ];
    case 'recover-failed-instance':
      return [
        { say: `Before: ${leader} leads and every follower is in sync`, action: { kind: 'amko-fed', site: leader, args: ['--context', leader, 'status', '--wait', '--timeout', '3m'] }, check: expectCode(0) },
        { say: `Back up the leader's GSLBConfig, GDP and GSLBHostRules (regularly, while all is well)`, action: { kind: 'amko-fed', args: ['--context', leader, 'backup', '--out', backupDir] }, check: expectCode(0, (r) => (r.stdout.includes('Backed up') ? undefined : 'nothing backed up')) },
        { say: `The leader ${leader} fails`, action: { kind: 'sandbox', command: { command: 'fail', cluster: leader } }, check: expectCode(0) },
        { say: `Restore the backup on ${next}, dropping the failed member ${leader} from GSLBConfig and GDP (a dry run first)`, action: { kind: 'amko-fed', args: ['--context', next, 'restore', '--from', backupDir, '--drop-members', leader, '--dry-run'] }, check: expectCode(0, (r) => (r.stdout.includes('Dry run: nothing was changed') ? undefined : 'no dry-run summary')) },
        { say: `Restore it for real`, action: { kind: 'amko-fed', args: ['--context', next, 'restore', '--from', backupDir, '--drop-members', leader] }, check: expectCode(0, (r) => (r.stdout.includes(`to ${next}.`) ? undefined : 'no restore summary')) },
        { say: `${next}'s gc-1 no longer lists ${leader}`, action: { kind: 'kubectl', args: ['--context', next, ...NS, 'get', 'gslbconfig', 'gc-1', '-o', 'jsonpath={.spec.memberClusters[*].clusterContext}'] }, check: (r) => (r.code === 0 && !r.stdout.split(' ').includes(leader) ? undefined : `memberClusters: ${r.stdout}`) },
        { say: `Promote ${next} with the new leader site's controller IP (the unreachable old leader is only a warning)`, action: { kind: 'amko-fed', args: ['--context', next, 'promote', '--controller-ip', CONTROLLER_IP] }, check: expectCode(0, (r) => (r.stdout.includes(`Promoted ${next}.`) ? undefined : 'not promoted')) },
        ...(other === undefined ? [] : [{ say: `${other} receives the restored gc-1 without ${leader}`, action: { kind: 'kubectl', args: ['--context', other, ...NS, 'get', 'gslbconfig', 'gc-1', '-o', 'jsonpath={.spec.memberClusters[*].clusterContext}'] }, check: (r: Ran) => (r.code === 0 && !r.stdout.split(' ').includes(leader) ? undefined : `memberClusters: ${r.stdout}`), retryForMs: 120_000 } satisfies DrillStep]),
        { say: `The failed instance ${leader} comes back`, action: { kind: 'sandbox', command: { command: 'recover', cluster: leader } }, check: expectCode(0) },
        ...demoteAndConverge,
      ];
    default: {
      const _exhaustive: never = name;
      return _exhaustive;
    }
  }
}

/** Finds the leader, runs the drill's steps, prints each command and answer; true when every step passed. */
export async function runDrill(name: DrillName, options: DrillOptions): Promise<boolean> {
  const { io } = options;
  const state = (await sendControl(options.workDir, { command: 'status' })).state;
  const down = state.sites.filter((s) => s.apiServer === 'down' || s.partitionedFrom.length > 0);
  if (down.length > 0) {
    io.out(`The sandbox is not whole (${down.map((s) => s.name).join(', ')} down or partitioned): npm run sandbox -- recover CLUSTER / heal first.`);
    return false;
  }
  const kubeEnv = { ...options.env, KUBECONFIG: state.kubeconfigFile, REDIS_URL: state.redisUrl };
  const leaders: string[] = [];
  for (const site of state.sites) {
    const ran = await run('kubectl', ['--context', site.name, ...NS, 'get', 'amkocluster', 'amkocluster-federation', '-o', 'jsonpath={.spec.isLeader}'], kubeEnv);
    if (ran.stdout.trim() === 'true') leaders.push(site.name);
  }
  if (leaders.length !== 1) {
    io.out(`The drill needs exactly one leader; AMKOClusters say: ${leaders.join(', ') || 'none'}.`);
    return false;
  }
  const leader = leaders[0] ?? '';
  const followers = state.sites.map((s) => s.name).filter((n) => n !== leader);
  const steps = drillSteps(name, leader, followers, options.backupDir);
  io.out(`Drill ${name}: leader ${leader}, followers ${followers.join(', ')}; ${steps.length} steps.`);
  const failed: string[] = [];
  for (const [index, step] of steps.entries()) {
    await io.pause();
    io.out(`\n[${index + 1}/${steps.length}] ${step.say}`);
    const started = Date.now();
    for (;;) {
      const { line, ran } = await perform(step.action, state, kubeEnv, options.workDir);
      const problem = step.check?.(ran);
      const retrying = problem !== undefined && Date.now() - started < (step.retryForMs ?? 0);
      if (!retrying) {
        io.out(`$ ${line}`);
        const shown = `${ran.stdout}${ran.stderr}`.trim();
        if (shown !== '') io.out(shown.split('\n').map((l) => `  ${l}`).join('\n'));
        io.out(problem === undefined ? `  ✓ exit ${ran.code}` : `  ✗ ${problem}`);
        if (problem !== undefined) failed.push(`step ${index + 1} (${step.say}): ${problem}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    if (failed.length > 0) break;
  }
  io.out(failed.length === 0 ? `\nVerdict: PASSED: ${name}, ${steps.length} of ${steps.length} steps as the runbook expects.` : `\nVerdict: FAILED: ${failed.join('; ')}`);
  return failed.length === 0;
}

async function perform(action: Action, state: SandboxState, kubeEnv: Record<string, string>, workDir: string): Promise<{ line: string; ran: Ran }> {
  switch (action.kind) {
    case 'kubectl':
      return { line: `kubectl ${action.args.map(quote).join(' ')}`, ran: await run('kubectl', action.args, kubeEnv) };
    case 'amko-fed': {
      const site = action.site === undefined ? undefined : state.sites.find((s) => s.name === action.site);
      const env = { ...kubeEnv, ...(site === undefined ? {} : { KEY_PREFIX: site.keyPrefix }) };
      const prefix = site === undefined ? '' : `KEY_PREFIX=${quote(site.keyPrefix)} `;
      return { line: `${prefix}amko-fed ${action.args.map(quote).join(' ')}`, ran: await run(process.execPath, [join(REPO_ROOT, 'apps', 'cli', 'src', 'cli.ts'), ...action.args], env) };
    }
    case 'sandbox': {
      const line = controlCommandLine(action.command);
      try {
        const answer = await sendControl(workDir, action.command);
        return { line, ran: { code: 0, stdout: answer.message, stderr: '' } };
      } catch (err) {
        return { line, ran: { code: 1, stdout: '', stderr: (err as Error).message } };
      }
    }
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}
