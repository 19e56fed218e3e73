/**
 * The watcher's composition root: configuration, the root logger, the adapters, the watcher, signals.
 * A bad configuration exits with code 2 and a message naming the variable (no stack trace).
 */
import { ConfigError, createLogger, installShutdown, packageVersion } from '@amko-fed/service';
import { createWatcherAdapters } from './adapters.ts';
import { systemClock } from './clock.ts';
import { loadConfig, type WatcherConfig } from './config.ts';
import { createWatcher } from './watcher.ts';

let config: WatcherConfig;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`amko-fed watcher: ${err.message}\n`);
  process.exit(2);
}

const logger = createLogger({ name: 'amko-fed-watcher', level: config.logLevel, pretty: config.logFormat === 'pretty' });
const version = packageVersion(new URL('../package.json', import.meta.url));
logger.info({ version, node: process.versions.node }, 'Starting the watcher');
try {
  const adapters = await createWatcherAdapters(config, logger, systemClock);
  const watcher = createWatcher({ config, logger, clock: systemClock, adapters, version });
  // Intake stops first (informers, the Lease), then the queues and Redis close.
  installShutdown(logger, async () => {
    await watcher.stop();
    await adapters.close();
  });
  await watcher.start();
} catch (err) {
  logger.fatal({ err }, 'Could not start the watcher');
  process.exit(1);
}
