import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Paths whose values never reach a log line (tokens, passwords, kubeconfigs, auth headers). */
export const REDACTED_PATHS: readonly string[] = [
  'token', '*.token', 'password', '*.password', 'kubeconfig', '*.kubeconfig', 'gslbConfig', '*.gslbConfig',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization', 'req.headers.cookie',
  'redisUrl', '*.redisUrl', 'boardPassword', '*.boardPassword', 'boardToken', '*.boardToken',
];

export interface LoggerConfig {
  readonly name: string;
  readonly level: string;
  /** Human-readable output (pino-pretty) instead of JSON; for terminals. @defaultValue false */
  readonly pretty?: boolean;
  /** Where JSON lines go. @defaultValue stdout */
  readonly destination?: DestinationStream;
}

/** The one root logger of a process; everything below it is `logger.child({ component })`. */
export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    name: config.name,
    level: config.level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  if (config.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } });
  }
  return config.destination ? pino(options, config.destination) : pino(options);
}

export type { Logger } from 'pino';
