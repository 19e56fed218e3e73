import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type PinoPretty from 'pino-pretty';

/** Paths whose values never reach a log line (tokens, passwords, kubeconfigs, auth headers). */
export const REDACTED_PATHS: readonly string[] = [
  'token', '*.token', 'password', '*.password', 'kubeconfig', '*.kubeconfig', 'gslbConfig', '*.gslbConfig',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', 'req.headers.cookie',
  'redisUrl', '*.redisUrl', 'boardPassword', '*.boardPassword', 'boardToken', '*.boardToken',
];

export interface LoggerConfig {
  readonly name: string;
  readonly level: string;
  /**
   * Human-readable lines (pino-pretty, a production dependency: docs/adr/0011) instead of JSON; for
   * terminals and for reading `kubectl logs` by hand. @defaultValue false
   */
  readonly pretty?: boolean;
  /** Where the lines go. @defaultValue stdout */
  readonly destination?: DestinationStream;
}

const require = createRequire(import.meta.url);

/**
 * pino-pretty as a synchronous stream in this thread, loaded only when asked for: no transport
 * worker (no module resolution in a worker thread, no extra thread's memory) and a JSON process
 * never loads it. Colours only on a colour terminal (pino-pretty's own detection, NO_COLOR honoured).
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  const build = require('pino-pretty') as typeof PinoPretty;
  return build({
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname',
    sync: true,
    ...(destination === undefined ? {} : { destination, colorize: false }),
  });
}

/** The one root logger of a process; everything below it is `logger.child({ component })`. */
export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    name: config.name,
    level: config.level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  if (config.pretty) return pino(options, prettyStream(config.destination));
  return config.destination ? pino(options, config.destination) : pino(options);
}

export type { Logger } from 'pino';
