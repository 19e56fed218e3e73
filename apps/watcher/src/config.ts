/**
 * The watcher's configuration: every environment variable it reads, parsed once at start with zod.
 * A bad value fails with a ConfigError naming the variable and the fix (main.ts exits with code 2).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { ALL_FEDERATED_KINDS, DEFAULT_FEDERATED_KINDS, FEDERATED_KINDS, resolveFederatedKind, type FederatedKind, type HistoryRetention } from '@amko-fed/domain';
import { assertKeyPrefix, DEFAULT_KEY_PREFIX, parseRedisTarget, REDIS_URL_FORMS, redisUrlProblem } from '@amko-fed/queue';
import { durationMs, integerInRange, logLevel, port, readEnv } from '@amko-fed/service';
import { z } from 'zod';

export const LogFormat = { json: 'json', pretty: 'pretty' } as const;
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];

export interface WatcherConfig {
  readonly redisUrl: string;
  /** Prefix of every Redis key and BullMQ queue (carries a Redis Cluster hash tag). */
  readonly keyPrefix: string;
  /** Namespace of the watcher's pod: its AMKOCluster and its Lease live here. */
  readonly podNamespace: string;
  /** This replica's identity in the Lease. */
  readonly podName: string;
  /** The members kubeconfig: inline text, a mounted file, or neither (then the gslb-config-secret is read). */
  readonly gslbConfig: { readonly inline: string | undefined; readonly file: string | undefined };
  /**
   * How to reach the local (own) cluster: a kubeconfig file and context, or (without a file) the
   * in-cluster service account at KUBERNETES_SERVICE_HOST/PORT, which Kubernetes sets in every pod.
   */
  readonly local: {
    readonly kubeconfigFile: string | undefined;
    readonly context: string | undefined;
    readonly inCluster: { readonly host: string | undefined; readonly port: string | undefined };
  };
  readonly federatedKinds: readonly FederatedKind[];
  readonly resyncIntervalMs: number;
  /** First delay before a failed (follower, object) is enqueued again; doubles up to resyncIntervalMs. */
  readonly failedRetryBaseMs: number;
  readonly memberCheckIntervalMs: number;
  readonly statusDebounceMs: number;
  readonly leaseDurationMs: number;
  /** Timeout of every API request to the local cluster and to members. */
  readonly kubeTimeoutMs: number;
  readonly logLevel: z.infer<typeof logLevel>;
  readonly logFormat: LogFormat;
  readonly httpPort: number;
  readonly httpHost: string;
  /** Configuration history kept per object (HISTORY_MAX_VERSIONS, HISTORY_MAX_AGE). */
  readonly history: HistoryRetention;
  /** Scheduled backups (BACKUP_INTERVAL, BACKUP_DIR, BACKUP_KEEP); undefined when off (the default). */
  readonly backup: BackupConfig | undefined;
}

export interface BackupConfig {
  readonly intervalMs: number;
  readonly dir: string;
  readonly keep: number;
}

/** Facts about the process that only matter for defaults (passed in so that this stays testable). */
export interface ConfigDefaults {
  readonly hostname: string;
  readonly pid: number;
  readonly stdoutIsTTY: boolean;
}

const KIND_HELP = `use a comma-separated list of ${ALL_FEDERATED_KINDS.join(', ')} (or ${ALL_FEDERATED_KINDS.map((k) => FEDERATED_KINDS[k].shortName).join(', ')})`;

const federatedKinds = z.string().transform((value, ctx) => {
  const kinds: FederatedKind[] = [];
  for (const name of value.split(',').map((n) => n.trim()).filter((n) => n !== '')) {
    const kind = resolveFederatedKind(name);
    if (kind === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${name}" is not a federated kind; ${KIND_HELP}` });
      return z.NEVER;
    }
    if (!kinds.includes(kind)) kinds.push(kind);
  }
  if (kinds.length === 0) {
    ctx.addIssue({ code: 'custom', message: `is empty; ${KIND_HELP}` });
    return z.NEVER;
  }
  return kinds;
});

const redisUrl = z.string({ error: () => 'is required; set it to the Redis URL, e.g. redis://redis:6379' }).superRefine((value, ctx) => {
  try {
    parseRedisTarget(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `is not a usable Redis URL: ${redisUrlProblem(err)}; ${REDIS_URL_FORMS}` });
  }
});

const keyPrefix = z.string().superRefine((value, ctx) => {
  try {
    assertKeyPrefix(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${err instanceof Error ? err.message : 'is invalid'}; e.g. {amko-fed}` });
  }
});

const nonEmpty = (what: string) => z.string().trim().min(1, { error: () => `must not be empty; ${what}` });
const optionalText = z.string().optional().transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
const DURATION_HELP = 'use e.g. 500ms, 30s or 5m';

function envSchema(defaults: ConfigDefaults) {
  return z.object({
    REDIS_URL: redisUrl,
    KEY_PREFIX: keyPrefix.prefault(DEFAULT_KEY_PREFIX),
    POD_NAMESPACE: nonEmpty('set it to the namespace of the watcher pod (avi-system)').prefault('avi-system'),
    POD_NAME: nonEmpty('set it from the downward API (metadata.name)').prefault(`${defaults.hostname}-${defaults.pid}`),
    GSLB_CONFIG: optionalText,
    GSLB_CONFIG_FILE: optionalText,
    LOCAL_KUBECONFIG: optionalText,
    LOCAL_CONTEXT: optionalText,
    KUBERNETES_SERVICE_HOST: optionalText,
    KUBERNETES_SERVICE_PORT: optionalText,
    FEDERATED_KINDS: federatedKinds.prefault(DEFAULT_FEDERATED_KINDS.join(',')),
    RESYNC_INTERVAL: durationMs(DURATION_HELP).prefault('5m'),
    FAILED_RETRY_BASE: durationMs(DURATION_HELP).prefault('30s'),
    MEMBER_CHECK_INTERVAL: durationMs(DURATION_HELP).prefault('30s'),
    STATUS_DEBOUNCE: durationMs(DURATION_HELP).prefault('500ms'),
    LEASE_DURATION: durationMs(DURATION_HELP)
      .refine((ms) => ms >= 1000, { error: () => 'must be at least 1s; use e.g. 15s' })
      .prefault('15s'),
    KUBE_REQUEST_TIMEOUT: durationMs(DURATION_HELP).prefault('10s'),
    LOG_LEVEL: logLevel.prefault('info'),
    LOG_FORMAT: z
      .enum(['json', 'pretty'], { error: () => 'must be json or pretty' })
      .prefault(defaults.stdoutIsTTY ? 'pretty' : 'json'),
    HTTP_PORT: port.prefault('8081'),
    HTTP_HOST: nonEmpty('use e.g. 0.0.0.0 or 127.0.0.1').prefault('0.0.0.0'),
    HISTORY_MAX_VERSIONS: integerInRange(1, 10_000).prefault('50'),
    HISTORY_MAX_AGE: durationMs('use e.g. 24h or 720h (30 days)')
      .refine((ms) => ms >= 60_000, { error: () => 'must be at least 1m; use e.g. 24h or 720h (30 days)' })
      .prefault('720h'),
    BACKUP_INTERVAL: optionalText.pipe(
      durationMs('use e.g. 1h or 24h (unset: no scheduled backups)')
        .refine((ms) => ms >= 60_000, { error: () => 'must be at least 1m; use e.g. 1h or 24h' })
        .optional(),
    ),
    BACKUP_DIR: optionalText,
    BACKUP_KEEP: integerInRange(1, 10_000).prefault('7'),
  });
}

/** Is `dir` a directory this process may write? A message saying why not, or undefined. */
export type DirectoryCheck = (dir: string) => string | undefined;

/** Parses the environment; throws one ConfigError (from @amko-fed/service) naming every bad variable and its fix. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  defaults: ConfigDefaults = { hostname: hostname(), pid: process.pid, stdoutIsTTY: process.stdout.isTTY === true },
  checkDirectory: DirectoryCheck = writableDirectory,
): WatcherConfig {
  const reading = readEnv(envSchema(defaults), env);
  const { BACKUP_INTERVAL: interval, BACKUP_DIR: dir } = reading.values;
  if (interval !== undefined && dir === undefined) {
    reading.problems.push('BACKUP_DIR: is required when BACKUP_INTERVAL is set; set it to the mounted backup volume, e.g. /var/lib/amko-fed/backups');
  }
  if (interval !== undefined && dir !== undefined) {
    const problem = checkDirectory(dir);
    if (problem !== undefined) reading.problems.push(`BACKUP_DIR: ${problem}; mount a writable volume there (the chart's backup PVC) or unset BACKUP_INTERVAL`);
  }
  const e = reading.complete();
  return {
    redisUrl: e.REDIS_URL,
    keyPrefix: e.KEY_PREFIX,
    podNamespace: e.POD_NAMESPACE,
    podName: e.POD_NAME,
    gslbConfig: { inline: e.GSLB_CONFIG, file: e.GSLB_CONFIG_FILE },
    local: { kubeconfigFile: e.LOCAL_KUBECONFIG, context: e.LOCAL_CONTEXT, inCluster: { host: e.KUBERNETES_SERVICE_HOST, port: e.KUBERNETES_SERVICE_PORT } },
    federatedKinds: e.FEDERATED_KINDS,
    resyncIntervalMs: e.RESYNC_INTERVAL,
    failedRetryBaseMs: e.FAILED_RETRY_BASE,
    memberCheckIntervalMs: e.MEMBER_CHECK_INTERVAL,
    statusDebounceMs: e.STATUS_DEBOUNCE,
    leaseDurationMs: e.LEASE_DURATION,
    kubeTimeoutMs: e.KUBE_REQUEST_TIMEOUT,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    history: { maxVersions: e.HISTORY_MAX_VERSIONS, maxAgeMs: e.HISTORY_MAX_AGE },
    backup: e.BACKUP_INTERVAL === undefined || e.BACKUP_DIR === undefined ? undefined : { intervalMs: e.BACKUP_INTERVAL, dir: e.BACKUP_DIR, keep: e.BACKUP_KEEP },
  };
}

/** The start-time check of BACKUP_DIR: an existing directory with write and search permission. */
export function writableDirectory(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
    accessSync(dir, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${dir} does not exist` : `${dir} is not writable (${code ?? (err as Error).message})`;
  }
}
