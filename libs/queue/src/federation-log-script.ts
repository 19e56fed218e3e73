/**
 * The one script behind appendEvent / appendIfChanged, so that the seq counter, the events stream
 * and the projection never disagree, and concurrent watcher replicas cannot double-append.
 *
 * KEYS[1] seq counter   KEYS[2] events stream   KEYS[3] projection hash   KEYS[4] incarnation
 * ARGV[1] mode: "always" | "ifChanged"
 * ARGV[2] op: "upsert" | "delete"
 * ARGV[3] objectKey      ARGV[4] kind        ARGV[5] resourceVersion   ARGV[6] generation ("" = none)
 * ARGV[7] contentHash ("" = none)             ARGV[8] object JSON ("" for delete)
 * ARGV[9] time (ISO)     ARGV[10] source     ARGV[11] stream MAXLEN (approximate)
 * ARGV[12] projection entry JSON without "seq" (an object literal starting with "{")
 * ARGV[13] expected incarnation ("" = unguarded)   ARGV[14] lowest seq the counter may hold
 *
 * Returns { appended (1|0), seq }, or { -1, 0 } when guarded and the incarnation is missing or
 * different (Redis lost its data), { -2, counter } when guarded and the counter is below ARGV[14]
 * (Redis was restored from an older snapshot); nothing is written in either case. In "ifChanged" mode nothing is written, and the current seq is
 * returned, when an upsert carries the projection's contentHash of a present object, or a delete
 * finds a tombstone or no entry at all (seq 0).
 */
import { defineLuaScript } from './lua-script.ts';

export const appendEventScript = defineLuaScript(`
local op = ARGV[2]
local objectKey = ARGV[3]
if ARGV[13] ~= '' then
  if redis.call('GET', KEYS[4]) ~= ARGV[13] then
    return {-1, 0}
  end
  local counter = tonumber(redis.call('GET', KEYS[1]) or '0')
  if counter < tonumber(ARGV[14]) then
    return {-2, counter}
  end
end
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

/**
 * Takes (or re-takes) the data set: KEYS[1] incarnation, KEYS[2] seq counter.
 * ARGV[1] "ifAbsent" | "replace"   ARGV[2] new incarnation id   ARGV[3] lowest seq to continue from
 * In "ifAbsent" mode an existing incarnation is kept. Otherwise the new id is stored and the counter
 * is raised to ARGV[3] when below it (the writer's highest seen seq), so that seqs of the new data
 * set continue above every seq the writer has seen.
 * Returns { incarnation, counter, created (1|0) }.
 */
export const claimIncarnationScript = defineLuaScript(`
local current = redis.call('GET', KEYS[1])
if ARGV[1] == 'ifAbsent' and current then
  return {current, tonumber(redis.call('GET', KEYS[2]) or '0'), 0}
end
local counter = tonumber(redis.call('GET', KEYS[2]) or '0')
if counter < tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], ARGV[3])
  counter = tonumber(ARGV[3])
end
redis.call('SET', KEYS[1], ARGV[2])
return {ARGV[2], counter, 1}
`);
