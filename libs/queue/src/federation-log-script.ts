/**
 * The one script behind appendEvent / appendIfChanged, so that the seq counter, the events stream
 * and the projection never disagree, and concurrent watcher replicas cannot double-append.
 *
 * KEYS[1] seq counter   KEYS[2] events stream   KEYS[3] projection hash
 * ARGV[1] mode: "always" | "ifChanged"
 * ARGV[2] op: "upsert" | "delete"
 * ARGV[3] objectKey      ARGV[4] kind        ARGV[5] resourceVersion   ARGV[6] generation ("" = none)
 * ARGV[7] contentHash ("" = none)             ARGV[8] object JSON ("" for delete)
 * ARGV[9] time (ISO)     ARGV[10] source     ARGV[11] stream MAXLEN (approximate)
 * ARGV[12] projection entry JSON without "seq" (an object literal starting with "{")
 *
 * Returns { appended (1|0), seq }. In "ifChanged" mode nothing is written, and the current seq is
 * returned, when an upsert carries the projection's contentHash of a present object, or a delete
 * finds a tombstone or no entry at all (seq 0).
 */
import { defineLuaScript } from './lua-script.ts';

export const appendEventScript = defineLuaScript(`
local op = ARGV[2]
local objectKey = ARGV[3]
if ARGV[1] == 'ifChanged' then
  local current = redis.call('HGET', KEYS[3], objectKey)
  if current then
    local ok, entry = pcall(cjson.decode, current)
    if ok and type(entry) == 'table' and type(entry.seq) == 'number' then
      if op == 'delete' and entry.state == 'absent' then
        return {0, entry.seq}
      end
      if op == 'upsert' and entry.state == 'present' and entry.contentHash == ARGV[7] then
        return {0, entry.seq}
      end
    end
  elseif op == 'delete' then
    return {0, 0}
  end
end
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[11], '*',
  'seq', seq, 'op', op, 'objectKey', objectKey, 'kind', ARGV[4],
  'resourceVersion', ARGV[5], 'generation', ARGV[6], 'contentHash', ARGV[7],
  'object', ARGV[8], 'time', ARGV[9], 'source', ARGV[10])
redis.call('HSET', KEYS[3], objectKey, '{"seq":' .. string.format('%d', seq) .. ',' .. string.sub(ARGV[12], 2))
return {1, seq}
`);
