/**
 * The `amko-fed` command line: parsing, help and output. Each command's work lives in
 * commands/*; this file turns options into calls and results into text.
 */
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './cli-error.ts';
import type { LeadershipReport } from './commands/leadership.ts';
import type { KubeAccess, KubeEnvironment } from './kube-access.ts';

// Commands load their dependencies (client-node, BullMQ) only when they run, so that `--help`
// and input errors answer at once.
const KEY_PREFIX_DEFAULT = '{amko-fed}'; // = DEFAULT_KEY_PREFIX of @amko-fed/queue (checked by a test)

export interface CliEnvironment extends KubeEnvironment {
  readonly REDIS_URL?: string | undefined;
  readonly KEY_PREFIX?: string | undefined;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** `readiness`: the rendered promote readiness report, shown by a dry run. */
function printLeadership(io: CliIo, verb: string, report: LeadershipReport, readiness: readonly string[] = []): void {
  for (const warning of report.warnings) io.err(`warning: ${warning}`);
  if (!report.applied) for (const line of readiness) io.out(line);
  for (const change of report.changes) io.out(`${report.applied ? '' : '(dry run) '}${change}`);
  io.out(report.applied ? `${verb} ${report.cluster}.` : `Dry run: nothing was changed on ${report.cluster}.`);
}

/** A dry run that the real command would refuse exits 1 with the reason, after the report. */
function refuseDryRun(report: LeadershipReport): void {
  if (report.refusal !== undefined) throw new CliError(`dry run: promoting ${report.cluster} would be refused: ${report.refusal}`);
}

/** What a command reports besides success (status: 3 pending, 4 failed). */
export interface CliOutcome {
  exitCode: number;
}

export function buildProgram(env: CliEnvironment, io: CliIo, outcome: CliOutcome = { exitCode: 0 }, version = 'unknown'): Command {
  const program = new Command('amko-fed')
    .version(version, '-V, --version', 'print the amko-fed version')
    .description('Operate amko-federation: federation status, replay, and AMKO disaster recovery (backup, restore, promote, demote).')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context of the cluster to act on (default: the current context)')
    .option('--request-timeout <ms>', 'timeout of each API request in milliseconds', '10000')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  let kubeAccess: KubeAccess | undefined;
  const loadKube = async (): Promise<() => KubeAccess> => {
    const { openKubeAccess } = await import('./kube-access.ts');
    return () => {
      if (kubeAccess) return kubeAccess;
      const g = program.opts<GlobalOptions>();
      const timeout = Number(g.requestTimeout);
      if (!Number.isInteger(timeout) || timeout <= 0) throw new CliError(`--request-timeout "${g.requestTimeout}" must be a positive number of milliseconds`, EXIT_USAGE);
      kubeAccess = openKubeAccess({ kubeconfig: g.kubeconfig, context: g.context }, env, timeout);
      return kubeAccess;
    };
  };
  const redisOptions = (cmd: Command) =>
    cmd
      .addOption(new Option('--redis-url <url>', "the federation's Redis (REDIS_URL)").default(env.REDIS_URL, env.REDIS_URL ? '$REDIS_URL' : undefined))
      .option('--key-prefix <prefix>', 'Redis key prefix of the deployment (KEY_PREFIX)', env.KEY_PREFIX ?? KEY_PREFIX_DEFAULT);

  redisOptions(
    program
      .command('status')
      .description('Show per follower and per object: in sync, pending or failed with the reason, last applied time; member validity; the AMKOCluster status of --context. Exit 0 only when every valid follower is in sync and every condition is success; 3 pending, 4 failed (README).')
      .option('--json', 'print JSON instead of a table')
      .option('--wait', 'wait until in sync (exit 0), or until --timeout (exit 3 or 4)', false)
      .option('--timeout <duration>', 'how long --wait waits: 30s, 5m, 1h', '5m'),
  ).action(async (opts: { json?: boolean; wait: boolean; timeout: string; redisUrl?: string; keyPrefix: string }) => {
    const [{ runStatus }, { parseDuration }, kube] = await Promise.all([import('./commands/status-run.ts'), import('./duration.ts'), loadKube()]);
    const timeoutMs = parseDuration(opts.timeout);
    if (timeoutMs === undefined) throw new CliError(`--timeout "${opts.timeout}" is not a duration such as 30s, 5m or 1h`, EXIT_USAGE);
    outcome.exitCode = await runStatus({ json: opts.json ?? false, redisUrl: opts.redisUrl, keyPrefix: opts.keyPrefix, waitMs: opts.wait ? timeoutMs : undefined }, kube, io);
  });

  redisOptions(
    program
      .command('replay')
      .description('Re-drive failed federation jobs (all followers, or one), or with --all-objects every object to one follower. Followers always receive the leader\'s latest state.')
      .option('--cluster <name>', 'only this follower')
      .option('--kind <kind>', 'only this kind (GSLBConfig|gc, GlobalDeploymentPolicy|gdp, GSLBHostRule|ghr)')
      .option('--object <key>', 'only this object, as <Kind>/<namespace>/<name>')
      .option('--all-objects', 'enqueue every object (not only failed ones) to --cluster', false),
  ).action(async (opts: { cluster?: string; kind?: string; object?: string; allObjects: boolean; redisUrl?: string; keyPrefix: string }) => {
    const { replay } = await import('./commands/replay.ts');
    const result = await replay({ redisUrl: opts.redisUrl, keyPrefix: opts.keyPrefix }, opts);
    io.out(opts.allObjects
      ? `Enqueued ${result.enqueued} object(s) to ${result.clusters.join(', ')}.`
      : `Re-drove ${result.retried} failed job(s) on ${result.clusters.join(', ') || 'no follower'}.`);
  });

  redisOptions(
    program
      .command('history')
      .argument('<KIND/NAME>', 'the object: gc/NAME, gdp/NAME or ghr/NAME (also gslbconfig, globaldeploymentpolicy, gslbhostrule)')
      .description('Show the recorded versions of a federated object, newest first: time, change, resourceVersion, field manager.')
      .option('-n, --namespace <ns>', 'namespace of the object', 'avi-system')
      .option('--since <duration>', 'only versions at most this old: 30m, 2h')
      .option('--diff', 'show unified YAML diffs of spec between consecutive versions', false)
      .option('--json', 'print JSON (the versions with their content)', false),
  ).action(async (target: string, opts: { namespace: string; since?: string; diff: boolean; json: boolean; redisUrl?: string; keyPrefix: string }) => {
    const [{ objectKeyOfTarget, readObjectHistory, renderHistory }, { parseDuration }] = await Promise.all([import('./commands/history.ts'), import('./duration.ts')]);
    const sinceMs = opts.since === undefined ? undefined : parseDuration(opts.since);
    if (opts.since !== undefined && sinceMs === undefined) throw new CliError(`--since "${opts.since}" is not a duration such as 30m or 2h`, EXIT_USAGE);
    const key = objectKeyOfTarget(target, opts.namespace);
    const entries = await readObjectHistory({ redisUrl: opts.redisUrl, keyPrefix: opts.keyPrefix }, key, { sinceMs, nowMs: Date.now() });
    if (opts.json) io.out(JSON.stringify(entries, null, 2));
    else for (const text of renderHistory(entries, opts.diff)) io.out(text);
  });

  program
    .command('backup')
    .description('Write GSLBConfig and GlobalDeploymentPolicy (avi-system) and GSLBHostRule (all namespaces) of --context as clean YAML files, ready for kubectl apply -f.')
    .requiredOption('--out <dir>', 'directory to write the files to (created if missing)')
    .action(async (opts: { out: string }) => {
      const [{ backup }, kube] = await Promise.all([import('./commands/backup.ts'), loadKube()]);
      const files = await backup(kube(), opts);
      for (const f of files) io.out(`${f.kind} ${f.namespace ?? ''}/${f.name} -> ${f.file}`);
      io.out(`Backed up ${files.length} object(s) from ${kube().context}.`);
    });

  redisOptions(
    program
      .command('restore')
      .description('Apply a backup to --context (create or replace), removing --drop-members from GSLBConfig memberClusters and GDP matchClusters/trafficSplit; or with --at, bring the leader\'s federated objects (or --object) back to how they were at a time, from the federation log\'s history.')
      .option('--from <dir>', 'directory written by "amko-fed backup" (or, with --latest, the watcher\'s BACKUP_DIR)')
      .option('--latest', 'with --from: restore the newest verified scheduled backup in that directory', false)
      .option('--drop-members <clusters>', 'comma-separated member cluster names to remove', splitList, [] as string[])
      .option('--at <time>', 'point-in-time undo: an RFC 3339 time or a duration ago (10m); --context must be the leader')
      .option('--object <KIND/NAME>', 'with --at: only this object (gc/NAME, gdp/NAME, ghr/NAME)')
      .option('-n, --namespace <ns>', 'with --object: its namespace', 'avi-system')
      .option('--prune', 'with --at: also delete objects created after that time', false)
      .option('--dry-run', 'show what would be applied, change nothing', false),
  ).action(async (opts: { from?: string; latest: boolean; dropMembers: string[]; dryRun: boolean; at?: string; object?: string; namespace: string; prune: boolean; redisUrl?: string; keyPrefix: string }) => {
      if (opts.at !== undefined) {
        if (opts.from !== undefined) throw new CliError('--at and --from exclude each other: restore from the history or from a backup', EXIT_USAGE);
        const [{ restoreAt, renderRestoreAt }, { objectKeyOfTarget }, kube] = await Promise.all([import('./commands/restore-at.ts'), import('./commands/history.ts'), loadKube()]);
        const object = opts.object === undefined ? undefined : objectKeyOfTarget(opts.object, opts.namespace);
        const report = await restoreAt(kube(), { redisUrl: opts.redisUrl, keyPrefix: opts.keyPrefix }, { at: opts.at, object, prune: opts.prune, dryRun: opts.dryRun, nowMs: Date.now() });
        for (const text of renderRestoreAt(report)) io.out(text);
        return;
      }
      if (opts.from === undefined) throw new CliError('restore needs --from DIR (a backup) or --at TIME (the history)', EXIT_USAGE);
      const [{ restore, latestVerifiedBackup }, kube] = await Promise.all([import('./commands/restore.ts'), loadKube()]);
      let from = opts.from;
      if (opts.latest) {
        from = await latestVerifiedBackup(opts.from, (skipped, problem) => io.err(`Skipping ${skipped}: ${problem}`));
        io.out(`Restoring the newest verified backup ${from}`);
      }
      const steps = await restore(kube(), { ...opts, from });
      for (const s of steps) {
        io.out(`${opts.dryRun ? '(dry run) would ' : ''}${s.action} ${s.kind} ${s.namespace}/${s.name}${s.removed.length ? ` (removed ${s.removed.join('; ')})` : ''}`);
      }
      io.out(opts.dryRun ? `Dry run: nothing was changed on ${kube().context}.` : `Restored ${steps.length} object(s) to ${kube().context}.`);
    });

  program
    .command('promote')
    .description('Make --context the leader: set GSLBConfig spec.gslbLeader.controllerIP (with --controller-ip) and AMKOCluster spec.isLeader: true, removing its leader-epoch annotation so it takes a new epoch. Refuses while another reachable member is still leader, and when another reachable follower holds newer copies than --context. --dry-run shows the promote readiness of every member: which follower is the safest to promote.')
    .option('--controller-ip <ip>', "the new leader site's Avi controller IP")
    .option('--dry-run', 'show the promote readiness report and what would change, change nothing', false)
    .option('--force', 'promote even though another reachable member still says isLeader: true, or another reachable follower holds newer copies of some objects than --context', false)
    .option('--json', 'print JSON (the changes, warnings, refusal and the readiness report)', false)
    .action(async (opts: { controllerIp?: string; dryRun: boolean; force: boolean; json: boolean }) => {
      const [{ promote }, { renderPromoteReadiness }, kube] = await Promise.all([import('./commands/leadership.ts'), import('./commands/promote-readiness.ts'), loadKube()]);
      const report = await promote(kube(), opts);
      if (opts.json) io.out(JSON.stringify(report, null, 2));
      else printLeadership(io, 'Promoted', report, report.readiness === undefined ? [] : renderPromoteReadiness(report.readiness));
      refuseDryRun(report);
    });

  program
    .command('demote')
    .description('Set an old leader (--context) to follower: AMKOCluster spec.isLeader: false.')
    .option('--dry-run', 'show what would change, change nothing', false)
    .action(async (opts: { dryRun: boolean }) => {
      const [{ demote }, kube] = await Promise.all([import('./commands/leadership.ts'), loadKube()]);
      printLeadership(io, 'Demoted', await demote(kube(), opts));
    });

  program
    .command('member-kubeconfig')
    .description("Create the member ServiceAccount's token Secret in --context (a member cluster), wait for its token and print a kubeconfig entry to merge into gslb-config-secret (key gslb-members). The token goes to stdout only.")
    .option('--namespace <ns>', 'namespace of the member ServiceAccount', 'avi-system')
    .option('--service-account <name>', 'the member ServiceAccount (deploy/member-rbac, the chart option member.rbac.create)', 'amko-federation-member')
    .option('--name <name>', 'context/cluster/user name in the printed entry (default: the --context name, as AMKOCluster spec.clusters lists it)')
    .option('--server <url>', "API server URL as the leader's pods reach it (default: the kubeconfig's)")
    .option('--wait <ms>', 'how long to wait for the token controller', '30000')
    .action(async (opts: { namespace: string; serviceAccount: string; name?: string; server?: string; wait: string }) => {
      const [{ memberKubeconfig }, kube] = await Promise.all([import('./commands/member-kubeconfig.ts'), loadKube()]);
      const waitMs = Number(opts.wait);
      if (!Number.isInteger(waitMs) || waitMs < 0) throw new CliError(`--wait "${opts.wait}" must be a number of milliseconds`, EXIT_USAGE);
      const access = kube();
      const result = await memberKubeconfig(access.context, access.kubeConfig(), { ...opts, waitMs });
      io.err(`${result.created ? 'Created' : 'Found'} token Secret ${result.secret} in ${result.context}; merge this entry into gslb-config-secret (key gslb-members):`);
      io.out(result.kubeconfig.trimEnd());
    });

  return program;
}

/** Runs the CLI; returns the exit code (never throws). */
export async function runCli(argv: readonly string[], env: CliEnvironment, io: CliIo): Promise<number> {
  const outcome: CliOutcome = { exitCode: 0 };
  const { cliVersion } = await import('./version.ts');
  const program = buildProgram(env, io, outcome, cliVersion());
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outcome.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      return EXIT_USAGE;
    }
    if (err instanceof CliError) {
      io.err(`error: ${err.message}`);
      return err.exitCode;
    }
    io.err(`error: ${(err as Error).message ?? String(err)}`);
    return EXIT_FAILED;
  }
}
