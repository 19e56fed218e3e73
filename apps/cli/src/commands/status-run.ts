/**
 * `amko-fed status` from options to exit code: one look, or with `--wait` a look every
 * `intervalMs` until in sync or `--timeout` (like `kubectl wait`), then the table (or JSON) of the
 * last look and its verdict. Exit codes: cli-error.ts. On a follower context (isLeader: false) it
 * adds the promote readiness report (which follower is the safest to promote); that needs no
 * Redis, so without one a follower context shows the report alone (exit 4: it federates nothing).
 */
import type { AMKOCluster } from '@amko-fed/domain';
import { readAMKOCluster } from '../amko-cluster-access.ts';
import { CliError, EXIT_FAILED_STATE, EXIT_USAGE } from '../cli-error.ts';
import type { KubeAccess } from '../kube-access.ts';
import { renderStatusView } from '../status-view.ts';
import { judgeStatus, Verdict, type StatusVerdict } from '../status-verdict.ts';
import { readPromoteReadiness, renderPromoteReadiness, type ReadinessReading } from './promote-readiness.ts';
import { status, type StatusResult } from './status.ts';

export interface StatusRunOptions {
  readonly json: boolean;
  readonly redisUrl: string | undefined;
  readonly keyPrefix: string;
  /** Wait until in sync, at most this long. */
  readonly waitMs: number | undefined;
  /** @defaultValue 2000 */
  readonly intervalMs?: number;
}

export interface StatusIo {
  out(text: string): void;
  err(text: string): void;
}

/** The readiness report when `amko` (of --context) is a follower's; undefined on a leader or when it could not be read (status reports that). */
async function followerReadiness(kube: KubeAccess, amko: AMKOCluster | undefined): Promise<ReadinessReading | undefined> {
  return amko === undefined || amko.spec?.isLeader === true ? undefined : readPromoteReadiness(kube, amko);
}

export async function runStatus(options: StatusRunOptions, openKube: () => KubeAccess, io: StatusIo): Promise<number> {
  if (!options.redisUrl && options.waitMs === undefined) {
    // no Redis: a follower context still has its report; a leader's status needs Redis (exit 2 below)
    const kube = openKube();
    const readiness = await followerReadiness(kube, await readAMKOCluster(kube.client()).catch(() => undefined));
    if (readiness !== undefined) {
      const note = `${kube.context} is a follower (isLeader: false): it federates nothing; pass --redis-url for the federation's records`;
      if (options.json) io.out(JSON.stringify({ follower: true, note, promoteReadiness: readiness.readiness, exitCode: EXIT_FAILED_STATE }, null, 2));
      else {
        io.out(note);
        for (const line of renderPromoteReadiness(readiness.readiness)) io.out(line);
      }
      return EXIT_FAILED_STATE;
    }
  }
  const selection = { redisUrl: options.redisUrl, keyPrefix: options.keyPrefix };
  const deadline = options.waitMs === undefined ? undefined : Date.now() + options.waitMs;
  let last: { result: StatusResult; verdict: StatusVerdict };
  let reported = '';
  for (;;) {
    const result = await status(selection, openKube);
    const verdict = judgeStatus(result.view, result.conditions, result.conditionsError);
    last = { result, verdict };
    // a wrong key prefix does not fix itself by waiting
    if (result.emptyHint !== undefined && result.otherPrefixes.length > 0) throw new CliError(result.emptyHint, EXIT_USAGE);
    if (verdict.verdict === Verdict.inSync || deadline === undefined || Date.now() >= deadline) break;
    const line = `waiting: ${verdict.verdict}: ${verdict.problems[0] ?? ''}${verdict.problems.length > 1 ? ` (+${verdict.problems.length - 1} more)` : ''}`;
    if (line !== reported) io.err(line);
    reported = line;
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs ?? 2_000, Math.max(0, deadline - Date.now()))));
  }
  const { result, verdict } = last;
  const readiness = await followerReadiness(openKube(), result.amko);
  if (options.json) {
    io.out(JSON.stringify({
      ...result.view,
      conditions: result.conditions ?? null,
      conditionsError: result.conditionsError ?? null,
      verdict: verdict.verdict,
      exitCode: verdict.exitCode,
      problems: verdict.problems,
      hint: result.emptyHint ?? null,
      ...(readiness === undefined ? {} : { promoteReadiness: readiness.readiness }),
    }, null, 2));
    return verdict.exitCode;
  }
  if (result.conditionsError) io.err(`warning: AMKOCluster status unavailable: ${result.conditionsError}`);
  if (result.emptyHint !== undefined) io.err(`warning: ${result.emptyHint}`);
  io.out(renderStatusView(result.view, result.conditions));
  if (verdict.verdict === Verdict.inSync) io.out('All followers are in sync.');
  else {
    io.out(`Not in sync: ${verdict.verdict} (exit ${verdict.exitCode})${options.waitMs === undefined ? '' : ` after waiting ${Math.round(options.waitMs / 1000)} s`}:`);
    for (const problem of verdict.problems) io.out(`  ${problem}`);
  }
  if (readiness !== undefined) for (const line of renderPromoteReadiness(readiness.readiness)) io.out(line);
  return verdict.exitCode;
}
