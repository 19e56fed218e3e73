export { createLogger, REDACTED_PATHS, type Logger, type LoggerConfig } from './logger.ts';
export { ConfigError, parseEnv, parseDurationMs, durationMs, integerInRange, port, logLevel, booleanFlag, LOG_LEVELS } from './env.ts';
export { readGslbConfig, GslbConfigUnavailableError, type GslbConfigSource } from './gslb-config.ts';
export { createOpsServer, type OpsServerOptions, type ReadinessCheck } from './ops-server.ts';
export { installShutdown } from './shutdown.ts';
