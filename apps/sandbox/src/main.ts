/**
 * `npm start`: runs the sandbox until Ctrl-C. Options: --clusters NAMES (comma-separated kubeconfig
 * context names, the first the leader; default cluster1,cluster2,cluster3), --work-dir DIR (default tmp/sandbox in the
 * repository), --log-format json|pretty (default pretty on a terminal), --log-level LEVEL,
 * --quiet (do not show the workloads' logs here; they are always in <work-dir>/logs),
 * --ready-timeout DURATION (how long each workload may take to become ready; default 180s, or
 * SANDBOX_READY_TIMEOUT). A slow start prints what it still waits for every 10 s.
 */
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '@amko-fed/testing';
import { ClusterListError, DEFAULT_SANDBOX_CLUSTERS, parseClusterList, shellQuote } from './cluster-list.ts';
import { startControlServer, type ControlServer } from './control-server.ts';
import { parseSeconds } from './duration.ts';
import { tailFile, type LogTail } from './log-tail.ts';
import { startSandbox, type Sandbox } from './sandbox.ts';

const usage = 'usage: npm start -- [--clusters LEADER,FOLLOWER,...] [--work-dir DIR] [--log-format json|pretty] [--log-level info|debug|...] [--quiet] [--ready-timeout DURATION]';
let args;
try {
  args = parseArgs({
    options: {
      clusters: { type: 'string' },
      'work-dir': { type: 'string', default: join(REPO_ROOT, 'tmp', 'sandbox') },
      'log-format': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      quiet: { type: 'boolean', default: false },
      'ready-timeout': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }).values;
} catch (err) {
  console.error(`error: ${(err as Error).message}\n${usage}`);
  process.exit(2);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const logFormat = args['log-format'] ?? (process.stdout.isTTY ? 'pretty' : 'json');
if (logFormat !== 'json' && logFormat !== 'pretty') {
  console.error(`error: --log-format must be json or pretty, not "${logFormat}"\n${usage}`);
  process.exit(2);
}

const readyTimeoutText = args['ready-timeout'] ?? process.env['SANDBOX_READY_TIMEOUT'] ?? '180s';
const readyTimeoutMs = parseSeconds(readyTimeoutText);
if (readyTimeoutMs === undefined) {
  console.error(`error: --ready-timeout (or SANDBOX_READY_TIMEOUT) must be a duration such as 180s or 5m, not "${readyTimeoutText}"\n${usage}`);
  process.exit(2);
}

let clusters: readonly string[] = DEFAULT_SANDBOX_CLUSTERS;
try {
  if (args.clusters !== undefined) clusters = parseClusterList(args.clusters);
} catch (err) {
  if (!(err instanceof ClusterListError)) throw err;
  console.error(`error: ${err.message}\n${usage}`);
  process.exit(2);
}

const started = Date.now();
console.log(`Starting the amko-federation sandbox: ${clusters.length} emulated clusters, Redis, a watcher and a replicator per cluster…`);
let sandbox: Sandbox;
try {
  sandbox = await startSandbox({
    clusters, workDir: args['work-dir'], redisUrl: process.env['REDIS_URL'] || undefined, logFormat, logLevel: args['log-level'], readyTimeoutMs,
    onSlowReady: (p) => console.log(`  still waiting for ${p.name} to be ready (${Math.round(p.waitedMs / 1000)} s of ${Math.round(p.timeoutMs / 1000)} s): ${p.waitingFor}`),
  });
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}

let control: ControlServer;
try {
  control = await startControlServer(sandbox);
} catch (err) {
  console.error(`error: could not start the control endpoint: ${(err as Error).message}`);
  await sandbox.stop();
  process.exit(1);
}

const tails: LogTail[] = [];
if (!args.quiet) {
  const width = Math.max(...sandbox.sites.map((s) => `${s.name}/replicator`.length));
  for (const site of sandbox.sites) {
    for (const app of [site.watcher, site.replicator]) {
      const label = app.name.padEnd(width);
      tails.push(tailFile(app.logFile, (line) => process.stdout.write(`${label} │ ${line}\n`)));
    }
  }
}

const leader = sandbox.sites[0];
const kc = relative(process.cwd(), sandbox.kubeconfigFile) || sandbox.kubeconfigFile;
const [leaderContext = '', firstFollower = ''] = sandbox.clusters.map(shellQuote);
console.log(`
amko-federation sandbox ready in ${((Date.now() - started) / 1000).toFixed(1)} s
  kubeconfig : ${sandbox.kubeconfigFile}  (contexts ${sandbox.clusters.map((c, i) => (i === 0 ? `${c} = leader` : c)).join(', ')})
  board      : ${leader?.boardUrl}  (user ${sandbox.board.username}, password ${sandbox.board.password})
  Redis      : ${sandbox.redisUrl} (${sandbox.redisSource}); key prefix per cluster: ${sandbox.sites.map((s) => s.keyPrefix).join(' ')}
  logs       : ${join(sandbox.workDir, 'logs')}

Try (after: source ${relative(process.cwd(), sandbox.envFile) || sandbox.envFile}):
  kubectl --kubeconfig ${kc} --context ${leaderContext} -n avi-system edit gdp global-gdp
  kubectl --kubeconfig ${kc} --context ${firstFollower} -n avi-system get gdp global-gdp -o yaml
  npx amko-fed --kubeconfig ${kc} --context ${leaderContext} status --redis-url ${sandbox.redisUrl} --key-prefix '${leader?.keyPrefix}'

Rehearse a disaster from a second terminal${args['work-dir'] === join(REPO_ROOT, 'tmp', 'sandbox') ? '' : ` (add --work-dir ${sandbox.workDir})`}:
  npm run sandbox -- fail ${leaderContext}      (also: recover CLUSTER, partition A B, heal, status)
  npm run drill -- leader-site-failure          (also: recover-failed-instance; --step pauses between steps)

Press Ctrl-C to stop.`);

// One Ctrl-C arrives here twice: from the terminal (the whole foreground process group) and
// forwarded by `npm start`. Copies within a second are that one Ctrl-C; a later one means "now".
let stoppingSince: number | undefined;
const shutdown = (signal: NodeJS.Signals): void => {
  if (stoppingSince !== undefined) {
    if (Date.now() - stoppingSince < 1_000) return;
    console.error(`${signal} again: exiting now`);
    process.exit(130);
  }
  stoppingSince = Date.now();
  console.log('\nStopping the sandbox…');
  void (async () => {
    await control.close();
    await sandbox.stop();
    await Promise.all(tails.map((t) => t.stop()));
    console.log('Sandbox stopped.');
    process.exit(0);
  })();
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
