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
 * KEYS[5] the object's history list   KEYS[6] history index (sorted set objectKey → newest ms)
 * ARGV[15] history entry JSON without "seq", "change" and "ms" (an object literal starting with
 *          "{"; for an upsert it ends with the object, for a delete the script adds the object the
 *          projection held)
 * ARGV[16] time (ms)   ARGV[17] versions kept per object   ARGV[18] entries older than this (ms)
 *          are dropped, the newest one always kept
 * KEYS[7] change stamps (hash objectKey → "<seq>:<ms>:<previous seq>", ms from Redis's TIME, so
 *         that the result record can tell how long ago the change was made without a second clock)
 *
 * Returns { appended (1|0), seq }, or { -1, 0 } when guarded and the incarnation is missing or
 * different (Redis lost its data), { -2, counter } when guarded and the counter is below ARGV[14]
 * (Redis was restored from an older snapshot); nothing is written in either case. In "ifChanged" mode nothing is written, and the current seq is
 * returned, when an upsert carries the projection's contentHash of a present object, or a delete
 * finds a tombstone or no entry at all (seq 0).
 */
import { defineLuaScript, LUA_NOW_MS } from './lua-script.ts';

export const appendEventScript = defineLuaScript(`${LUA_NOW_MS}
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
local previous = redis.call('HGET', KEYS[3], objectKey)
local previousState = previous and string.match(previous, '^{"seq":%d+,"state":"(%a+)"')
local seq = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[7], objectKey, string.format('%d', seq) .. ':' .. string.format('%d', nowMs()) .. ':' ..
  ((previous and string.match(previous, '^{"seq":(%d+)')) or '0'))
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[11], '*',
  'seq', seq, 'op', op, 'objectKey', objectKey, 'kind', ARGV[4],
  'resourceVersion', ARGV[5], 'generation', ARGV[6], 'contentHash', ARGV[7],
  'object', ARGV[8], 'time', ARGV[9], 'source', ARGV[10])
redis.call('HSET', KEYS[3], objectKey, '{"seq":' .. string.format('%d', seq) .. ',' .. string.sub(ARGV[12], 2))
local change = 'deleted'
local body = string.sub(ARGV[15], 2)
if op == 'upsert' then
  if previousState == 'present' then change = 'updated' else change = 'created' end
elseif previousState == 'present' then
  -- The last content the log held: the projection entry ends with ,"object":{…}}
  local at = string.find(previous, ',"object":', 1, true)
  if at then body = string.sub(ARGV[15], 2, -2) .. string.sub(previous, at) end
end
redis.call('LPUSH', KEYS[5], '{"seq":' .. string.format('%d', seq) .. ',"change":"' .. change .. '","ms":' .. ARGV[16] .. ',' .. body)
redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[17]) - 1)
while redis.call('LLEN', KEYS[5]) > 1 do
  local oldest = redis.call('LINDEX', KEYS[5], -1)
  local ms = tonumber(string.match(oldest, '"ms":(%d+)') or '0')
  if ms >= tonumber(ARGV[18]) then break end
  redis.call('RPOP', KEYS[5])
end
redis.call('ZADD', KEYS[6], ARGV[16], objectKey)
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

/**
 * Age retention of objects that stopped changing. KEYS[1] history index, KEYS[2] projection,
 * KEYS[3..] the history lists of the objects ARGV[2..] (same order); ARGV[1] cutoff (ms).
 * For each object whose newest entry is still older than the cutoff: an existing object keeps only
 * its newest entry (the state in effect), a deleted one (tombstone or no entry) loses its history.
 * Returns { objects whose history was removed, entries dropped }.
 */
export const pruneHistoryScript = defineLuaScript(`
local removed = 0
local dropped = 0
local cutoff = tonumber(ARGV[1])
for i = 2, #ARGV do
  local objectKey = ARGV[i]
  local list = KEYS[i + 1]
  local score = redis.call('ZSCORE', KEYS[1], objectKey)
  if score and tonumber(score) < cutoff then
    local entry = redis.call('HGET', KEYS[2], objectKey)
    local length = redis.call('LLEN', list)
    if entry and string.match(entry, '^{"seq":%d+,"state":"present"') then
      if length > 1 then
        redis.call('LTRIM', list, 0, 0)
        dropped = dropped + length - 1
      end
    else
      redis.call('DEL', list)
      redis.call('ZREM', KEYS[1], objectKey)
      removed = removed + 1
      dropped = dropped + length
    end
  end
end
return {removed, dropped}
`);

/**
 * KEYS[1] projection, KEYS[2] change stamps; ARGV[1] objectKey, ARGV[2] seq. Removes the entry (and
 * its change stamp) when it is still the tombstone with that seq (a newer change keeps it).
 * Returns 1 when removed.
 */
export const pruneTombstoneScript = defineLuaScript(`
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if entry and string.match(entry, '^{"seq":(%d+),"state":"absent"') == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1
end
return 0
`);
