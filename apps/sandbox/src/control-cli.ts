/**
 * `npm run sandbox -- COMMAND` (entry: cli.ts): controls the sandbox `npm start` runs, from a second terminal.
 *   fail CLUSTER        the site fails: API server refuses connections, watcher and replicator stop
 *   recover CLUSTER     the site comes back with its state (an old leader still says isLeader: true)
 *   partition A B       A and B cannot reach each other; both still reach the others
 *   heal                every partition ends
 *   status              what is up, down and partitioned
 * Options: --work-dir DIR (where `npm start` writes control.json; default tmp/sandbox). Exit 0 done,
 * 1 failed (or no sandbox running), 2 bad input.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '@amko-fed/testing';
import { sendControl, SandboxControlError } from './control-client.ts';
import type { ControlCommand } from './control-server.ts';
import type { SandboxState } from './sandbox.ts';

const usage = 'usage: npm run sandbox -- [--work-dir DIR] fail CLUSTER | recover CLUSTER | partition A B | heal | status';

function parseCommand(positionals: readonly string[]): ControlCommand | undefined {
  const [verb, ...rest] = positionals;
  if ((verb === 'fail' || verb === 'recover') && rest.length === 1) return { command: verb, cluster: rest[0] ?? '' };
  if (verb === 'partition' && rest.length === 2) return { command: 'partition', a: rest[0] ?? '', b: rest[1] ?? '' };
  if ((verb === 'heal' || verb === 'status') && rest.length === 0) return { command: verb };
  return undefined;
}

export async function runControlCli(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { 'work-dir': { type: 'string', default: join(REPO_ROOT, 'tmp', 'sandbox') }, help: { type: 'boolean', default: false } } });
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(usage);
    return 0;
  }
  const command = parseCommand(parsed.positionals);
  if (command === undefined) {
    console.error(`error: ${parsed.positionals.length === 0 ? 'no command given' : `"${parsed.positionals.join(' ')}" is not a sandbox command`}\n${usage}`);
    return 2;
  }
  try {
    const answer = await sendControl(parsed.values['work-dir'], command);
    console.log(answer.message);
    printState(answer.state);
    return 0;
  } catch (err) {
    if (!(err instanceof SandboxControlError)) throw err;
    console.error(`error: ${err.message}`);
    return 1;
  }
}

function printState(state: SandboxState): void {
  const rows = [['SITE', 'API SERVER', 'WATCHER', 'REPLICATOR', 'PARTITIONED FROM'], ...state.sites.map((s) => [s.name, s.apiServer, s.watcher, s.replicator, s.partitionedFrom.join(', ') || '-'])];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}
