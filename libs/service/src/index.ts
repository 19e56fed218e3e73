export { createLogger, REDACTED_PATHS, type Logger, type LoggerConfig } from './logger.ts';
export { ConfigError } from './errors/config-error.ts';
export { GslbConfigUnavailableError } from './errors/gslb-config-unavailable-error.ts';
export { parseEnv, readEnv, type EnvReading, parseDurationMs, durationMs, integerInRange, port, logLevel, booleanFlag, LOG_LEVELS } from './env.ts';
export { readGslbConfig, type GslbConfigSource } from './gslb-config.ts';
export { createOpsServer, type OpsServerOptions, type ReadinessCheck } from './ops-server.ts';
export { installShutdown } from './shutdown.ts';
export { MAX_HEAP_GROWING_PERCENT, setHeapGrowingPercent } from './heap-growth.ts';
export { createKubeRequestsCounter, packageVersion, registerBuildInfo, registerProcessMetrics, registerRedisUp, type BuildInfo, type KubeRequestsCounter } from './workload-metrics.ts';
