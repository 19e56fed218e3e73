/**
 * Composition root of `npm run emulator -- up ...`: parses the arguments, starts the emulated
 * clusters, and closes them on SIGINT/SIGTERM (a second signal exits at once).
 */
import { LauncherUsageError, launchClusters, launcherUsage, parseLauncherArgs } from './launcher.ts';
import { CrdLoadError } from './crd-loader.ts';

async function main(): Promise<number> {
  let command;
  try {
    command = parseLauncherArgs(process.argv.slice(2), process.cwd());
  } catch (err) {
    if (err instanceof LauncherUsageError) {
      process.stderr.write(`emulator: ${err.message}\n\n${launcherUsage}\n`);
      return 2;
    }
    throw err;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${launcherUsage}\n`);
    return 0;
  }
  let running;
  try {
    running = await launchClusters(command.options, (line) => process.stdout.write(`emulator: ${line}\n`));
  } catch (err) {
    if (err instanceof LauncherUsageError || err instanceof CrdLoadError || (err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`emulator: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
  process.stdout.write('emulator: ready; press Ctrl-C to stop\n');
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stdout.write(`emulator: ${signal} again, exiting now\n`);
        process.exit(130);
      }
      stopping = true;
      process.stdout.write(`emulator: ${signal}, stopping ${running.clusters.length} clusters\n`);
      void running.close().then(() => {
        process.stdout.write('emulator: stopped\n');
        resolve(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
