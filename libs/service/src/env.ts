/**
 * Helpers for `loadConfig(env)`: environment values are parsed once at start, and a bad value
 * fails fast with the variable's name, what was wrong and how to fix it.
 */
import { z } from 'zod';
import { ConfigError } from './errors/config-error.ts';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** "500ms", "30s", "5m", "1h" or a plain number of milliseconds → milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 'ms') as keyof typeof UNIT_MS;
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}

/** For a default, use `.prefault('30s')` (zod 4's `.default()` skips the transform). */
export const durationMs = (fix: string) =>
  z.string().transform((value, ctx) => {
    const ms = parseDurationMs(value);
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration; ${fix}` });
      return z.NEVER;
    }
    return ms;
  });

export const integerInRange = (min: number, max: number) =>
  z.string().transform((value, ctx) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });

export const port = integerInRange(0, 65535);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const logLevel = z.enum(LOG_LEVELS, { error: () => `must be one of ${LOG_LEVELS.join(', ')}` });

export const booleanFlag = z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: () => 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** `VARIABLE: message`, with quoted values redacted for variables whose name suggests a secret. */
function problemOf(variable: string, message: string): string {
  const secret = /PASSWORD|TOKEN|SECRET|GSLB_CONFIG$|REDIS_URL/.test(variable);
  return `${variable}: ${secret ? message.replace(/"[^"]*"/g, '"[redacted]"') : message}`;
}

function problemsOf(error: z.ZodError, variable?: string): string[] {
  return error.issues.map((issue) => problemOf([...(variable === undefined ? [] : [variable]), ...issue.path.map(String)].join('.') || '(environment)', issue.message));
}

/**
 * Parses `env` with `schema` (keys are the variable names). On failure, throws a ConfigError
 * listing every bad variable: `RESYNC_INTERVAL: "abc" is not a duration; use e.g. 30s or 5m`.
 * Values are never echoed for variables whose name suggests a secret.
 */
export function parseEnv<T extends z.ZodType>(schema: T, env: Readonly<Record<string, string | undefined>>): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(problemsOf(result.error));
}

/** The environment read variable by variable: what parsed, and every problem found so far. */
export interface EnvReading<T> {
  /** The value of every variable that parsed; a variable with a problem is absent. */
  readonly values: Partial<T>;
  /** `VARIABLE: what is wrong; how to fix it`, one per problem. Cross-variable checks add theirs. */
  readonly problems: string[];
  /**
   * The values once no problem is left; otherwise throws one ConfigError (code CONFIG_INVALID)
   * listing every problem, so that a bad configuration is fixed in one round, not one per start.
   */
  complete(): T;
}

/**
 * Reads `env` with the fields of `schema`, each variable on its own, and never throws: a variable
 * that does not parse leaves its problem and no value, so the caller can still run the checks
 * that span variables over the others and report everything at once with `complete()`.
 * (Refinements on the object itself are not run: put cross-variable checks in the caller.)
 */
export function readEnv<S extends z.ZodRawShape>(schema: z.ZodObject<S>, env: Readonly<Record<string, string | undefined>>): EnvReading<z.infer<z.ZodObject<S>>> {
  type T = z.infer<z.ZodObject<S>>;
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [variable, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    const result = field.safeParse(env[variable]);
    if (result.success) values[variable] = result.data;
    else problems.push(...problemsOf(result.error, variable));
  }
  return {
    values: values as Partial<T>,
    problems,
    complete() {
      if (problems.length > 0) throw new ConfigError([...problems]);
      // Every field parsed (no problem), so every key of T holds its parsed value.
      return values as T;
    },
  };
}
