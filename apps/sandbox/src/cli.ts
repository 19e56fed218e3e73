/**
 * Entry of `npm run sandbox -- …` (control a running sandbox: control-cli.ts) and
 * `npm run drill -- …` (AMKO's runbooks against it: drill-cli.ts). Reads the environment once.
 */
import { runControlCli } from './control-cli.ts';
import { runDrillCli } from './drill-cli.ts';

const [mode, ...argv] = process.argv.slice(2);
const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
process.exitCode = mode === 'drill' ? await runDrillCli(argv, env) : mode === 'control' ? await runControlCli(argv) : 2;
