/**
 * The Lua scripts of the Redis store. Each runs atomically on the server, so a checkpoint is
 * stored whole with the offset it covers or not at all, and the epoch check and the write
 * cannot be interleaved with another owner's claim.
 */

/**
 * Writes one partition's checkpoint from ARGV[i] on (meta, live count, (key, state)…, evicted
 * count, (key, state)…) into KEYS[k + 1] (meta), KEYS[k + 2] (live) and KEYS[k + 3]
 * (evicted); returns the index after its arguments. Live keys replace the live hash and
 * leave the evicted one; evicted keys are added to it, or (replace) become all of it.
 */
const WRITE_PARTITION = `
local function writePartition(k, i, replace)
  if replace then redis.call('DEL', KEYS[k + 3]) end
  redis.call('SET', KEYS[k + 1], ARGV[i])
  i = i + 1
  local live = tonumber(ARGV[i]); i = i + 1
  local liveStart = i
  i = i + 2 * live
  local evicted = tonumber(ARGV[i]); i = i + 1
  for j = 1, evicted do
    redis.call('HSET', KEYS[k + 3], ARGV[i], ARGV[i + 1])
    i = i + 2
  end
  redis.call('DEL', KEYS[k + 2])
  local at = liveStart
  for j = 1, live do
    redis.call('HSET', KEYS[k + 2], ARGV[at], ARGV[at + 1])
    redis.call('HDEL', KEYS[k + 3], ARGV[at])
    at = at + 2
  end
  return i
end
`;

/**
 * KEYS: epoch, checkpoint meta, live key states, evicted key states.
 * ARGV: epoch, meta, live count, (key, state)…, evicted count, (key, state)….
 * Returns {1, epoch} when stored, {0, current epoch} when fenced (nothing written).
 */
export const SAVE_CHECKPOINT = `${WRITE_PARTITION}
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current ~= tonumber(ARGV[1]) then return {0, current} end
writePartition(1, 2, false)
return {1, current}
`;

/**
 * Replaces the whole state of several partitions, all or nothing (a restore).
 * KEYS: per partition, its epoch, checkpoint meta, live and evicted key states.
 * ARGV: per partition the epoch it must still have (0: never claimed), then per partition
 * its checkpoint as SAVE_CHECKPOINT takes it. If a partition's epoch differs (an instance
 * claimed it since), writes nothing and returns {0, its index from 1, its epoch}. Else
 * raises every epoch by one, as a claim does, replaces each state, and returns {1}.
 */
export const REPLACE_PARTITIONS = `${WRITE_PARTITION}
local n = #KEYS / 4
for p = 1, n do
  local current = tonumber(redis.call('GET', KEYS[4 * p - 3]) or '0')
  if current ~= tonumber(ARGV[p]) then return {0, p, current} end
end
local i = n + 1
for p = 1, n do
  redis.call('INCR', KEYS[4 * p - 3])
  i = writePartition(4 * p - 3, i, true)
end
return {1}
`;

/**
 * Appends window results, each kept once per id.
 * KEYS: the set of keys. ARGV: prefix, max results per key, ttl seconds (0: none), then per
 * result: key, id, end, anomaly (0/1), JSON. Returns how many were new.
 */
export const APPEND_RESULTS = `
local prefix = ARGV[1]
local keep = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local added = 0
local touched = {}
local i = 4
while i <= #ARGV do
  local key, id, e, anomaly, json = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), ARGV[i + 4]
  i = i + 5
  local records = prefix .. ':res:' .. key
  if redis.call('HSETNX', records, id, json) == 1 then
    added = added + 1
    redis.call('ZADD', prefix .. ':hist:' .. key, e, id)
    local summary = prefix .. ':sum:' .. key
    redis.call('HINCRBY', summary, 'windows', 1)
    redis.call('HINCRBY', summary, 'anomalies', anomaly)
    local last = redis.call('HGET', summary, 'lastEnd')
    if (not last) or e >= tonumber(last) then
      redis.call('HSET', summary, 'lastEnd', ARGV[i - 3], 'latest', id)
    end
    redis.call('SADD', KEYS[1], key)
    touched[key] = true
  end
end
for key in pairs(touched) do
  local history = prefix .. ':hist:' .. key
  local records = prefix .. ':res:' .. key
  local over = redis.call('ZCARD', history) - keep
  if over > 0 then
    local old = redis.call('ZRANGE', history, 0, over - 1)
    redis.call('ZREMRANGEBYRANK', history, 0, over - 1)
    for _, id in ipairs(old) do redis.call('HDEL', records, id) end
  end
  if ttl > 0 then
    redis.call('EXPIRE', history, ttl)
    redis.call('EXPIRE', records, ttl)
    redis.call('EXPIRE', prefix .. ':sum:' .. key, ttl)
  end
end
return added
`;
