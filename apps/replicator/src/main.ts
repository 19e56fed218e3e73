/**
 * Composition root of the replicator: load the configuration, build the logger, wire, handle
 * signals. A bad configuration exits with code 2 and names the variable to fix. An unreachable Redis
 * is not a start failure (start() waits for it); exit code 1 is left for what waiting cannot fix,
 * such as an HTTP port already in use.
 */
import { ConfigError, createLogger, installShutdown, packageVersion, setHeapGrowingPercent } from '@amko-fed/service';
import { createReplicatorAdapters } from './adapters.ts';
import { loadConfig } from './config.ts';
import { createReplicator } from './replicator.ts';

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`amko-fed replicator: ${err.message}\n`);
  process.exit(2);
}
// Before the work starts: V8 reads it at every full GC (see libs/service heap-growth.ts).
setHeapGrowingPercent(config.heapGrowingPercent);

// One logger name convention: amko-fed-<workload> (was "replicator").
const logger = createLogger({ name: 'amko-fed-replicator', level: config.logLevel, pretty: config.logFormat === 'pretty' });
const version = packageVersion(new URL('../package.json', import.meta.url));
logger.info({ version, node: process.versions.node }, 'Starting the replicator');
const replicator = createReplicator({ config, logger, adapters: createReplicatorAdapters(config, logger), version });
installShutdown(logger, () => replicator.stop(), config.shutdownTimeoutMs + 10_000);

try {
  await replicator.start();
} catch (err) {
  logger.fatal({ err }, 'Could not start the replicator');
  await replicator.stop().catch(() => undefined);
  process.exit(1);
}
