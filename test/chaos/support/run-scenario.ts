/**
 * Runs one chaos scenario end to end: a federation (leader + 2 followers, a private redis-server,
 * the watcher and the replicator as processes, GSLBHostRule federation on), the objects seeded and
 * converged, the scenario's writes and fault, then polling until every follower equals the leader
 * and the leader's conditions report success (or the deadline passes), and the verdict: converged
 * (ms after the fault ended), objects lost, objects regressed, unexpected process exits and the
 * final conditions. Everything it started is stopped whatever happens; the logs are kept when the
 * scenario fails.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedPrefix, startFederation, type AppProcess, type Federation } from '@amko-fed/testing';
import type { ChaosProfile } from '../profiles.ts';
import type { ChaosContext, ChaosScenario } from '../scenarios/scenario.ts';
import { leaderConditions, unexpectedConditions, type Condition } from './conditions.ts';
import { federationDivergences, type Divergence } from './content.ts';
import { FEDERATED_KINDS } from './objects.ts';
import { observeFollowers, type Regression } from './observer.ts';
import { superviseApps, type Crash } from './supervisor.ts';
import { createWorkload, seededRandom, type WorkloadCounts } from './workload.ts';

export const FOLLOWERS = ['follower1', 'follower2'] as const;

/**
 * The deployed defaults (RESYNC_INTERVAL 5m, MEMBER_CHECK_INTERVAL 30s, RETRY_* …) except: the
 * opt-in GSLBHostRule kind, and a 5 s Lease (15 s deployed) so that a standby watcher takes over
 * from a killed one in seconds. The periodic resync is longer than any deadline here: convergence
 * must come from the recovery paths, not from a resync that would hide a loss.
 */
export const WATCHER_ENV = { FEDERATED_KINDS, LEASE_DURATION: '5s' };

export interface ChaosOutcome {
  readonly scenario: string;
  readonly fault: string;
  /** Milliseconds from the end of the fault until every follower equalled the leader and the conditions succeeded; undefined when that did not happen by the deadline. */
  readonly convergedMs: number | undefined;
  /** Followers' objects that still differ from the leader's at the end. */
  readonly lost: readonly Divergence[];
  readonly regressions: readonly Regression[];
  /** Distinct (follower, object) pairs that regressed. */
  readonly regressedObjects: number;
  readonly crashes: readonly Crash[];
  /** The leader's AMKOCluster conditions at the end. */
  readonly conditions: readonly Condition[];
  readonly staleConditions: readonly string[];
  readonly writes: Readonly<WorkloadCounts>;
  /** Changes the followers' stores saw (the regression observer's coverage). */
  readonly followerChanges: number;
  readonly durationMs: number;
  /** An error that stopped the scenario before its verdict. */
  readonly error: string | undefined;
  /** Why the scenario failed; empty when it passed. */
  readonly failures: readonly string[];
  /** Where the processes' logs were kept (failed scenarios, or always with keepLogs). */
  readonly logsDir: string | undefined;
}

export interface RunOptions {
  readonly progress?: (message: string) => void;
  /** Keep the logs of passing scenarios too. @defaultValue false */
  readonly keepLogs?: boolean;
  /** Where the work directories go. @defaultValue the OS temporary directory */
  readonly logsRoot?: string;
  /** Seed of the workload's choices. @defaultValue 9 */
  readonly seed?: number;
  /** Called with the federation as soon as it runs (an interrupted run stops it). */
  readonly track?: (federation: Federation) => void;
}

const POLL_MS = 250;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function isReady(app: AppProcess): Promise<boolean> {
  try {
    const response = await fetch(`${app.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

interface Converged {
  readonly atMs: number | undefined;
  readonly divergences: readonly Divergence[];
  readonly conditions: readonly Condition[];
}

/** Polls until no follower differs from the leader and the conditions are as expected, or `deadlineMs` passes. */
async function converge(federation: Federation, deadlineMs: number, since: number): Promise<Converged> {
  const until = performance.now() + deadlineMs;
  for (;;) {
    const [{ divergences }, conditions] = await Promise.all([federationDivergences(federation), leaderConditions(federation)]);
    if (divergences.length === 0 && unexpectedConditions(conditions).length === 0) return { atMs: performance.now() - since, divergences, conditions };
    if (performance.now() > until) return { atMs: undefined, divergences, conditions };
    await delay(POLL_MS);
  }
}

export async function runScenario(scenario: ChaosScenario, profile: ChaosProfile, options: RunOptions = {}): Promise<ChaosOutcome> {
  const progress = options.progress ?? (() => undefined);
  const started = performance.now();
  const logsRoot = options.logsRoot ?? tmpdir();
  await mkdir(logsRoot, { recursive: true });
  const workDir = await mkdtemp(join(logsRoot, `amko-fed-chaos-${scenario.name}-`));
  const appsRunning = scenario.appsRunning ?? true;
  const fault = scenario.fault(profile);
  let federation: Federation | undefined;
  let supervisor: ReturnType<typeof superviseApps> | undefined;
  let observer: ReturnType<typeof observeFollowers> | undefined;
  let outcome: Omit<ChaosOutcome, 'logsDir'>;
  let writes: WorkloadCounts = { creates: 0, updates: 0, deletes: 0 };
  try {
    progress(`starting the federation (logs in ${workDir})`);
    federation = await startFederation({
      followers: [...FOLLOWERS],
      appendOnly: scenario.appendOnly ?? false,
      prefix: isolatedPrefix('chaos'),
      logLevel: process.env['CHAOS_LOG_LEVEL'] ?? 'info',
      workDir,
      watcher: { env: WATCHER_ENV, start: appsRunning },
      replicator: { start: appsRunning },
    });
    options.track?.(federation);
    const fed = federation;
    supervisor = superviseApps([fed.app('watcher'), fed.app('replicator')]);
    observer = observeFollowers(fed.followers);
    const workload = createWorkload(fed.kube(fed.leader.name), seededRandom(options.seed ?? 9));
    writes = workload.done;
    await workload.seed(profile.rules);
    if (appsRunning) {
      progress(`seeded ${profile.rules + 2} objects; waiting until every follower has them`);
      const initial = await converge(fed, profile.convergeDeadlineMs, performance.now());
      if (initial.atMs === undefined) {
        throw new Error(`the federation did not converge before the fault: ${initial.divergences.length} divergences, conditions ${unexpectedConditions(initial.conditions).join('; ') || 'ok'}`);
      }
    }

    const ready = async (app: AppProcess): Promise<void> => {
      const until = performance.now() + profile.convergeDeadlineMs;
      while (!(await isReady(app))) {
        if (performance.now() > until) throw new Error(`${app.name} was not ready within ${profile.convergeDeadlineMs} ms`);
        await delay(100);
      }
    };
    const context: ChaosContext = {
      federation: fed,
      profile,
      workload,
      supervisor,
      progress,
      hold: delay,
      ready,
      async revive(app) {
        if (!app.running) await app.start({ waitReady: false });
        await ready(app);
      },
    };
    progress(`fault: ${fault}`);
    await scenario.run(context);
    const faultEnded = performance.now();
    progress(`fault ended after ${writes.creates + writes.updates + writes.deletes} writes; waiting for convergence (deadline ${profile.convergeDeadlineMs / 1000} s)`);
    const converged = await converge(fed, profile.convergeDeadlineMs, faultEnded);

    const final = await federationDivergences(fed);
    const expected = workload.expected();
    const modelMismatch = [...final.leader].filter(([id, o]) => expected.get(id) !== o.counter).length + [...expected.keys()].filter((id) => !final.leader.has(id)).length;
    const conditions = await leaderConditions(fed);
    outcome = verdict({
      scenario: scenario.name,
      fault,
      convergedMs: converged.atMs,
      lost: final.divergences,
      regressions: [...observer.regressions],
      crashes: [...supervisor.crashes],
      conditions,
      writes: { ...writes },
      followerChanges: observer.changes,
      durationMs: performance.now() - started,
      error: modelMismatch > 0 ? `the leader holds ${modelMismatch} objects other than the workload wrote (harness problem)` : undefined,
    });
  } catch (err) {
    outcome = verdict({
      scenario: scenario.name,
      fault,
      convergedMs: undefined,
      lost: [],
      regressions: [...(observer?.regressions ?? [])],
      crashes: [...(supervisor?.crashes ?? [])],
      conditions: federation ? await leaderConditions(federation).catch(() => []) : [],
      writes: { ...writes },
      followerChanges: observer?.changes ?? 0,
      durationMs: performance.now() - started,
      error: err instanceof Error ? err.message : String(err),
    });
  } finally {
    supervisor?.close();
    observer?.close();
    await federation?.stop();
  }
  const keep = options.keepLogs === true || outcome.failures.length > 0;
  if (!keep) await rm(workDir, { recursive: true, force: true });
  return { ...outcome, logsDir: keep ? workDir : undefined };
}

type VerdictInput = Omit<ChaosOutcome, 'failures' | 'logsDir' | 'staleConditions' | 'regressedObjects'>;

/** The pass/fail reasons of an outcome. */
function verdict(input: VerdictInput): Omit<ChaosOutcome, 'logsDir'> {
  const staleConditions = unexpectedConditions(input.conditions);
  const regressedObjects = new Set(input.regressions.map((r) => `${r.follower} ${r.object}`)).size;
  const failures: string[] = [];
  if (input.error !== undefined) failures.push(`error: ${input.error}`);
  else if (input.convergedMs === undefined) failures.push('did not converge by the deadline');
  if (input.lost.length > 0) failures.push(`${input.lost.length} objects lost`);
  if (regressedObjects > 0) failures.push(`${regressedObjects} objects regressed`);
  if (input.crashes.length > 0) failures.push(`${input.crashes.length} process crashes`);
  // The reasons can name dozens of objects: the failure line keeps the start, the details list them in full.
  const short = (c: string): string => (c.length > 160 ? `${c.slice(0, 157)}...` : c);
  if (input.error === undefined && staleConditions.length > 0) failures.push(`conditions: ${staleConditions.map(short).join('; ')}`);
  return { ...input, staleConditions, regressedObjects, failures };
}
