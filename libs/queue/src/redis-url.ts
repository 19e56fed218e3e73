/**
 * Redis URLs, one per topology (`REDIS_URL` of both workloads and the CLI):
 * - standalone: `redis://[user:password@]host:port[/db]`, `rediss://` (TLS);
 * - Sentinel: `redis-sentinel://[user:password@]host:port[,host:port…]/masterName[/db][?sentinelUsername=…&sentinelPassword=…]`
 *   (`rediss-sentinel://` for TLS to both the sentinels and the master);
 * - Cluster: `redis-cluster://[user:password@]host:port[,host:port…]` (seed nodes; any reachable
 *   one is enough, the rest is discovered), `rediss-cluster://` for TLS. No database (Cluster has only 0).
 * `redis+sentinel://`, `redis+cluster://` (and `rediss+…`) are accepted as spellings of the same.
 * Parsed into ioredis options (`parseRedisTarget`); `redactRedisUrl` makes any of them safe for logs.
 */
import type { RedisOptions } from 'ioredis';
import { InvalidRedisUrlError } from './errors/invalid-redis-url-error.ts';

const DEFAULT_PORT = 6379;
const DEFAULT_SENTINEL_PORT = 26379;
const SECRET_QUERY_KEYS = /^(password|pass|pwd|sentinelpassword|token|secret)$/i;

/** The URL with every password (user info and `password`-like query values) replaced by `***`. */
export function redactRedisUrl(url: string): string {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd < 0) return url.includes('@') ? '***' : url;
  const scheme = url.slice(0, schemeEnd + 3);
  let rest = url.slice(schemeEnd + 3);
  // User info ends at the last "@" (a password may itself contain "@", "/" or "?").
  const at = rest.lastIndexOf('@');
  let userInfo = '';
  if (at >= 0) {
    const auth = rest.slice(0, at);
    const colon = auth.indexOf(':');
    userInfo = colon >= 0 ? `${auth.slice(0, colon)}:***@` : '***@';
    rest = rest.slice(at + 1);
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    const query = rest
      .slice(q + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const key = eq >= 0 ? pair.slice(0, eq) : pair;
        return eq >= 0 && SECRET_QUERY_KEYS.test(decodeSafely(key)) ? `${key}=***` : pair;
      })
      .join('&');
    rest = `${rest.slice(0, q)}?${query}`;
  }
  return `${scheme}${userInfo}${rest}`;
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function fail(url: string, reason: string, cause?: unknown): never {
  throw new InvalidRedisUrlError(redactRedisUrl(url), reason, cause === undefined ? undefined : { cause });
}

function parsePort(url: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(url, `port ${JSON.stringify(text)} is not 1-65535`);
  return port;
}

function parseDb(url: string, text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  const db = Number(text);
  if (!Number.isInteger(db) || db < 0) fail(url, `database ${JSON.stringify(text)} is not a non-negative integer`);
  return db;
}

/** `host:port` or `[v6]:port`. */
function parseHostPort(url: string, text: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d*))?$/.exec(text);
  if (v6) return { host: v6[1] ?? '', port: parsePort(url, v6[2], defaultPort) };
  const colon = text.lastIndexOf(':');
  const host = colon >= 0 ? text.slice(0, colon) : text;
  if (host === '') fail(url, 'a host is empty');
  return { host, port: parsePort(url, colon >= 0 ? text.slice(colon + 1) : undefined, defaultPort) };
}

function parseAuth(url: string, auth: string): { username?: string; password?: string } {
  if (auth === '') return {};
  const colon = auth.indexOf(':');
  const username = decode(url, colon >= 0 ? auth.slice(0, colon) : auth);
  const password = colon >= 0 ? decode(url, auth.slice(colon + 1)) : undefined;
  return {
    ...(username !== '' ? { username } : {}),
    ...(password !== undefined && password !== '' ? { password } : {}),
  };
}

function decode(url: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    return fail(url, 'user info is not valid percent-encoding', error);
  }
}

/** The accepted forms of a Redis URL, for configuration errors and help texts. */
export const REDIS_URL_FORMS =
  'use redis://[user:password@]host:6379[/db] (rediss:// for TLS), ' +
  'redis-sentinel://[user:password@]sentinel:26379[,sentinel:26379…]/masterName[/db][?sentinelPassword=…] or ' +
  'redis-cluster://[user:password@]node:6379[,node:6379…] (rediss-sentinel://, rediss-cluster:// for TLS)';

const SCHEMES = 'redis://, rediss://, redis-sentinel://, rediss-sentinel://, redis-cluster:// or rediss-cluster://';

/** A seed node of a Redis Cluster. */
export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** Where a Redis URL points: one server (directly or through Sentinel), or a Redis Cluster. */
export type RedisTarget =
  | { readonly topology: 'standalone' | 'sentinel'; readonly options: RedisOptions }
  | {
      readonly topology: 'cluster';
      readonly nodes: readonly RedisNodeAddress[];
      /** Options of every node connection (credentials, TLS). */
      readonly nodeOptions: RedisOptions;
    };

/** The topology and ioredis connection options (no behaviour options) of any supported Redis URL. */
export function parseRedisTarget(url: string): RedisTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url.trim())?.[1]?.toLowerCase().replace('+', '-');
  if (scheme === 'redis-cluster' || scheme === 'rediss-cluster') return parseClusterUrl(url, scheme === 'rediss-cluster');
  const options = parseRedisUrl(url);
  return { topology: options.sentinels !== undefined ? 'sentinel' : 'standalone', options };
}

function parseClusterUrl(url: string, tls: boolean): RedisTarget {
  let rest = url.trim().slice(url.trim().indexOf('://') + 3);
  const at = rest.lastIndexOf('@');
  const auth = parseAuth(url, at >= 0 ? rest.slice(0, at) : '');
  if (at >= 0) rest = rest.slice(at + 1);
  const q = rest.indexOf('?');
  if (q >= 0) {
    const unknown = [...new URLSearchParams(rest.slice(q + 1)).keys()];
    if (unknown.length > 0) fail(url, `unsupported parameter ${JSON.stringify(unknown[0])} for a Cluster URL`);
    rest = rest.slice(0, q);
  }
  const slash = rest.indexOf('/');
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash + 1).replace(/\/$/, '') : '';
  if (path !== '' && path !== '0') fail(url, `Redis Cluster has only database 0; remove /${path} after the nodes`);
  if (authority === '') fail(url, 'no seed node; list at least one host:port of the cluster');
  const nodes = authority.split(',').map((part) => parseHostPort(url, part.trim(), DEFAULT_PORT));
  return {
    topology: 'cluster',
    nodes,
    nodeOptions: { ...auth, ...(tls ? { tls: {} } : {}) },
  };
}

/**
 * ioredis connection options (no behaviour options) for a standalone or Sentinel URL. A Cluster URL
 * is rejected here (it needs `parseRedisTarget`: a Cluster is not one server).
 */
export function parseRedisUrl(url: string): RedisOptions {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url.trim());
  if (!match) return fail(url, `expected ${SCHEMES}`);
  const scheme = (match[1] ?? '').toLowerCase().replace('+', '-');
  let rest = match[2] ?? '';
  const at = rest.lastIndexOf('@');
  const auth = parseAuth(url, at >= 0 ? rest.slice(0, at) : '');
  if (at >= 0) rest = rest.slice(at + 1);
  const q = rest.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? rest.slice(q + 1) : '');
  if (q >= 0) rest = rest.slice(0, q);
  const slash = rest.indexOf('/');
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash + 1) : '';
  if (authority === '') fail(url, 'no host');

  switch (scheme) {
    case 'redis':
    case 'rediss': {
      const { host, port } = parseHostPort(url, authority, DEFAULT_PORT);
      const db = parseDb(url, path.replace(/\/$/, '') || params.get('db'));
      return {
        host,
        port,
        ...auth,
        ...(db !== undefined ? { db } : {}),
        ...(scheme === 'rediss' ? { tls: { servername: host } } : {}),
      };
    }
    case 'redis-sentinel':
    case 'rediss-sentinel': {
      const sentinels = authority.split(',').map((part) => parseHostPort(url, part.trim(), DEFAULT_SENTINEL_PORT));
      const [name, dbPart] = path.split('/');
      if (name === undefined || name === '') fail(url, 'the Sentinel master name is missing (…/masterName)');
      const db = parseDb(url, dbPart || params.get('db'));
      const sentinelUsername = params.get('sentinelUsername') ?? undefined;
      const sentinelPassword = params.get('sentinelPassword') ?? undefined;
      const tls = scheme === 'rediss-sentinel';
      return {
        sentinels,
        name: decode(url, name),
        ...auth,
        ...(db !== undefined ? { db } : {}),
        ...(sentinelUsername !== undefined ? { sentinelUsername } : {}),
        ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
        ...(tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
      };
    }
    case 'redis-cluster':
    case 'rediss-cluster':
      return fail(url, 'a Redis Cluster URL names seed nodes, not one server (use parseRedisTarget)');
    default:
      return fail(url, `unsupported scheme ${JSON.stringify(scheme)}; expected ${SCHEMES}`);
  }
}

/** What is wrong with a Redis URL, from what `parseRedisTarget` threw (never the URL or its password). */
export function redisUrlProblem(error: unknown): string {
  return error instanceof InvalidRedisUrlError ? error.reason : 'it cannot be parsed';
}
