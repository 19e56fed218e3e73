/**
 * The replicator's configuration: every environment variable, parsed once at start. A bad value
 * fails with one message naming every bad variable and its fix (main.ts exits with code 2). Secret values
 * (Redis URL, kubeconfig, board password/token) are never echoed.
 */
import { readFileSync } from 'node:fs';
import { assertKeyPrefix, DEFAULT_KEY_PREFIX, parseRedisTarget, REDIS_URL_FORMS, redisUrlProblem } from '@amko-fed/queue';
import { booleanFlag, durationMs, integerInRange, logLevel, MAX_HEAP_GROWING_PERCENT, port, readEnv } from '@amko-fed/service';
import { z } from 'zod';

export const LogFormat = { json: 'json', pretty: 'pretty' } as const;
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];

/** How the board and the replay API authenticate (both may be configured). */
export interface BoardCredentials {
  /** Basic auth; the password comes from BOARD_PASSWORD_FILE or BOARD_PASSWORD. */
  readonly basic: { readonly username: string; readonly password: string } | undefined;
  /** `Authorization: Bearer <token>`; from BOARD_TOKEN_FILE. */
  readonly bearerToken: string | undefined;
}

export interface ReplicatorConfig {
  readonly redisUrl: string;
  /** Key prefix of every Redis key (BullMQ prefix too); carries a Redis Cluster hash tag. */
  readonly keyPrefix: string;
  /** The members kubeconfig: inline text (GSLB_CONFIG) or a mounted file (GSLB_CONFIG_FILE). */
  readonly gslbConfig: { readonly inline: string | undefined; readonly file: string | undefined };
  /** Jobs processed in parallel per follower. */
  readonly concurrency: number;
  readonly retryBaseMs: number;
  readonly retryCapMs: number;
  /** Attempts per job before it is failed (kept for replay). */
  readonly retryAttempts: number;
  /** How long "this follower's AMKOCluster is not a leader" is trusted. */
  readonly fenceCacheTtlMs: number;
  /** Burst coalescing: how long an object must be unchanged before the deferred apply of a burst runs. */
  readonly burstQuietMs: number;
  /** Burst coalescing: the longest a burst may defer an apply. */
  readonly burstMaxDeferMs: number;
  /** Copies remembered so that a change to one is written without reading it first; 0 reads every time. */
  readonly writtenCopies: number;
  /** Timeout of every request to a follower API server. */
  readonly kubeRequestTimeoutMs: number;
  /** How long shutdown waits for active jobs before closing workers by force. */
  readonly shutdownTimeoutMs: number;
  /** How long runnable jobs may wait without the follower's worker starting one before it is replaced. */
  readonly workerStallTimeoutMs: number;
  /**
   * V8's old-generation growing factor, 1 + P/100 (0: V8's own heuristic); set at start-up by
   * main.ts (libs/service heap-growth.ts). 100 by default: about 15 % less CPU per apply for
   * up to ~30 MB more RSS at the peak of a large fan-out (docs/benchmarks.md).
   */
  readonly heapGrowingPercent: number;
  readonly httpPort: number;
  /** Where the HTTP server listens when credentials are configured (127.0.0.1 otherwise). */
  readonly httpHost: string;
  readonly board: BoardCredentials;
  /** bull-board without retry, clean, pause, add… Read-only unless BOARD_READ_ONLY=false opts in to write access. */
  readonly boardReadOnly: boolean;
  readonly logLevel: string;
  readonly logFormat: LogFormat;
}

/** Reads a Secret-mounted file (the caller names the variable in errors). */
export type SecretFileReader = (path: string) => string;

const readUtf8: SecretFileReader = (path) => readFileSync(path, 'utf8');

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const envSchema = z.object({
  REDIS_URL: z.string({ error: 'is required; set it to e.g. redis://redis:6379' }).superRefine((value, ctx) => {
    try {
      parseRedisTarget(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a usable Redis URL: ${redisUrlProblem(err)}; ${REDIS_URL_FORMS}` });
    }
  }),
  KEY_PREFIX: z
    .string()
    .default(DEFAULT_KEY_PREFIX)
    .superRefine((value, ctx) => {
      try {
        assertKeyPrefix(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `${(err as Error).message}; use e.g. ${DEFAULT_KEY_PREFIX}` });
      }
    }),
  GSLB_CONFIG: optionalText,
  GSLB_CONFIG_FILE: optionalText,
  CONCURRENCY: integerInRange(1, 256).prefault('4'),
  RETRY_BASE: durationMs('use e.g. 500ms or 1s').prefault('500ms'),
  RETRY_CAP: durationMs('use e.g. 30s or 5m').prefault('5m'),
  RETRY_ATTEMPTS: integerInRange(1, 1000).prefault('12'),
  FENCE_CACHE_TTL: durationMs('use e.g. 2s').prefault('2s'),
  BURST_QUIET: durationMs('use e.g. 50ms or 1s').prefault('50ms'),
  BURST_MAX_DEFER: durationMs('use e.g. 1s').prefault('1s'),
  WRITTEN_COPIES: integerInRange(0, 1_000_000).prefault('2000'),
  KUBE_REQUEST_TIMEOUT: durationMs('use e.g. 10s').prefault('10s'),
  SHUTDOWN_TIMEOUT: durationMs('use e.g. 20s').prefault('20s'),
  WORKER_STALL_TIMEOUT: durationMs('use e.g. 30s or 1m').prefault('30s'),
  HEAP_GROWING_PERCENT: integerInRange(0, MAX_HEAP_GROWING_PERCENT).prefault('100'),
  HTTP_PORT: port.prefault('8082'),
  HTTP_HOST: z.string().min(1, 'must not be empty; use e.g. 0.0.0.0').default('0.0.0.0'),
  BOARD_USERNAME: optionalText,
  BOARD_PASSWORD: optionalText,
  BOARD_PASSWORD_FILE: optionalText,
  BOARD_TOKEN_FILE: optionalText,
  BOARD_READ_ONLY: booleanFlag.prefault('true'),
  LOG_LEVEL: logLevel.default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: () => 'must be json or pretty' }).default('json'),
});

type Env = z.infer<typeof envSchema>;

function readSecretFile(variable: string, path: string, read: SecretFileReader, problems: string[]): string | undefined {
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    problems.push(`${variable}: cannot read ${path} (${typeof code === 'string' ? code : 'read error'}); mount the Secret key there`);
    return undefined;
  }
  const value = text.trim();
  if (value === '') problems.push(`${variable}: ${path} is empty; put the secret value in it`);
  return value === '' ? undefined : value;
}

function boardCredentials(env: Partial<Env>, read: SecretFileReader, problems: string[]): BoardCredentials {
  if (env.BOARD_PASSWORD !== undefined && env.BOARD_PASSWORD_FILE !== undefined) {
    problems.push('BOARD_PASSWORD: set either BOARD_PASSWORD or BOARD_PASSWORD_FILE, not both');
  }
  const password =
    env.BOARD_PASSWORD_FILE !== undefined
      ? readSecretFile('BOARD_PASSWORD_FILE', env.BOARD_PASSWORD_FILE, read, problems)
      : env.BOARD_PASSWORD;
  if (env.BOARD_USERNAME !== undefined && password === undefined && env.BOARD_PASSWORD_FILE === undefined) {
    problems.push('BOARD_PASSWORD_FILE: BOARD_USERNAME is set without a password; set BOARD_PASSWORD_FILE (or BOARD_PASSWORD)');
  }
  if (env.BOARD_USERNAME === undefined && (env.BOARD_PASSWORD !== undefined || env.BOARD_PASSWORD_FILE !== undefined)) {
    problems.push('BOARD_USERNAME: a board password is set without a user name; set BOARD_USERNAME');
  }
  if (env.BOARD_USERNAME?.includes(':')) problems.push('BOARD_USERNAME: must not contain ":" (basic auth separates user and password with it)');
  const bearerToken = env.BOARD_TOKEN_FILE === undefined ? undefined : readSecretFile('BOARD_TOKEN_FILE', env.BOARD_TOKEN_FILE, read, problems);
  return {
    basic: env.BOARD_USERNAME !== undefined && password !== undefined ? { username: env.BOARD_USERNAME, password } : undefined,
    bearerToken,
  };
}

/**
 * Parses the environment. Throws one ConfigError listing every problem with its fix, those of single
 * variables and those between them alike (a bad RETRY_BASE does not hide a missing GSLB_CONFIG).
 * Secret files (BOARD_PASSWORD_FILE, BOARD_TOKEN_FILE) are read here, once; rotate them with a restart.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, read: SecretFileReader = readUtf8): ReplicatorConfig {
  const reading = readEnv(envSchema, env);
  const { values: v, problems } = reading;
  if (v.GSLB_CONFIG === undefined && v.GSLB_CONFIG_FILE === undefined) {
    problems.push('GSLB_CONFIG: neither GSLB_CONFIG nor GSLB_CONFIG_FILE is set; mount the gslb-config-secret key gslb-members and point GSLB_CONFIG_FILE at it');
  }
  if (v.GSLB_CONFIG !== undefined && v.GSLB_CONFIG_FILE !== undefined) {
    problems.push('GSLB_CONFIG_FILE: set either GSLB_CONFIG or GSLB_CONFIG_FILE, not both');
  }
  if (v.RETRY_CAP !== undefined && v.RETRY_BASE !== undefined && v.RETRY_CAP < v.RETRY_BASE) {
    problems.push('RETRY_CAP: must not be below RETRY_BASE; raise RETRY_CAP or lower RETRY_BASE');
  }
  if (v.BURST_MAX_DEFER !== undefined && v.BURST_QUIET !== undefined && v.BURST_MAX_DEFER < v.BURST_QUIET) {
    problems.push('BURST_MAX_DEFER: must not be below BURST_QUIET; raise BURST_MAX_DEFER or lower BURST_QUIET');
  }
  if (v.WORKER_STALL_TIMEOUT !== undefined && v.WORKER_STALL_TIMEOUT < 1_000) {
    problems.push('WORKER_STALL_TIMEOUT: must be at least 1s (a healthy worker waits up to several seconds for Redis); use e.g. 30s');
  }
  const board = boardCredentials(v, read, problems);
  const parsed = reading.complete();
  return {
    redisUrl: parsed.REDIS_URL,
    keyPrefix: parsed.KEY_PREFIX,
    gslbConfig: { inline: parsed.GSLB_CONFIG, file: parsed.GSLB_CONFIG_FILE },
    concurrency: parsed.CONCURRENCY,
    retryBaseMs: parsed.RETRY_BASE,
    retryCapMs: parsed.RETRY_CAP,
    retryAttempts: parsed.RETRY_ATTEMPTS,
    fenceCacheTtlMs: parsed.FENCE_CACHE_TTL,
    burstQuietMs: parsed.BURST_QUIET,
    burstMaxDeferMs: parsed.BURST_MAX_DEFER,
    writtenCopies: parsed.WRITTEN_COPIES,
    kubeRequestTimeoutMs: parsed.KUBE_REQUEST_TIMEOUT,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT,
    workerStallTimeoutMs: parsed.WORKER_STALL_TIMEOUT,
    heapGrowingPercent: parsed.HEAP_GROWING_PERCENT,
    httpPort: parsed.HTTP_PORT,
    httpHost: parsed.HTTP_HOST,
    board,
    boardReadOnly: parsed.BOARD_READ_ONLY,
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
  };
}

/** True when the board and replay API require credentials. */
export function hasBoardCredentials(board: BoardCredentials): boolean {
  return board.basic !== undefined || board.bearerToken !== undefined;
}
