/**
 * A Lua script run with EVALSHA, falling back to EVAL once when the server does not have it
 * cached (NOSCRIPT after a restart or failover). Keys are always passed as KEYS so the script is
 * valid on Redis Cluster (all our keys share the prefix's hash tag).
 */
import { createHash } from 'node:crypto';
import type { RedisConnection } from './connection.ts';

export interface LuaScript {
  readonly sha: string;
  run(connection: RedisConnection, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/**
 * Lua: `nowMs()`, Redis's own clock (TIME) in whole milliseconds, for scripts that stamp or compare
 * times without trusting a client's clock. Prepend it to the script's source.
 */
export const LUA_NOW_MS = `local function nowMs()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
`;

export function defineLuaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    sha,
    async run(connection, keys, args) {
      try {
        return await connection.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
          return connection.eval(source, keys.length, ...keys, ...args);
        }
        throw error;
      }
    },
  };
}
