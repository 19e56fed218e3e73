/**
 * `npm run drill -- leader-site-failure | recover-failed-instance [--step] [--work-dir DIR]` (entry:
 * cli.ts): runs
 * AMKO's runbook against the sandbox `npm start` runs (drill.ts), printing every kubectl / amko-fed
 * command and what came back, and ends with a verdict. `--step` waits for Enter before each step.
 * Exit 0 passed, 1 failed, 2 bad input.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { findOnPath, REPO_ROOT } from '@amko-fed/testing';
import { SandboxControlError } from './control-client.ts';
import { DRILLS, runDrill, type DrillName } from './drill.ts';

const usage = `usage: npm run drill -- ${DRILLS.join(' | ')} [--step] [--work-dir DIR]`;

export async function runDrillCli(argv: readonly string[], env: { readonly PATH: string; readonly HOME: string }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { step: { type: 'boolean', default: false }, 'work-dir': { type: 'string', default: join(REPO_ROOT, 'tmp', 'sandbox') }, help: { type: 'boolean', default: false } } });
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(usage);
    return 0;
  }
  const name = parsed.positionals[0];
  if (parsed.positionals.length !== 1 || !(DRILLS as readonly string[]).includes(name ?? '')) {
    console.error(`error: ${name === undefined ? 'no drill named' : `"${parsed.positionals.join(' ')}" is not a drill`}\n${usage}`);
    return 2;
  }
  if (!(await findOnPath('kubectl'))) {
    console.error('error: the drills run kubectl as the runbooks do; install kubectl and put it on PATH');
    return 1;
  }

  const workDir = parsed.values['work-dir'];
  const prompt = parsed.values.step ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
  try {
    const passed = await runDrill(name as DrillName, {
      workDir,
      env,
      backupDir: await mkdtemp(join(workDir, 'drill-backup-')),
      io: {
        out: (text) => console.log(text),
        pause: async () => {
          if (prompt !== undefined) await prompt.question('(Enter for the next step) ');
        },
      },
    });
    return passed ? 0 : 1;
  } catch (err) {
    if (!(err instanceof SandboxControlError)) throw err;
    console.error(`error: ${err.message}`);
    return 1;
  } finally {
    prompt?.close();
  }
}
