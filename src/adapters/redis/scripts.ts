/**
 * The Lua scripts of the Redis store. Each runs atomically on the server, so a checkpoint is
 * stored whole with the offset it covers or not at all, and the epoch check and the write
 * cannot be interleaved with another owner's claim.
 */

/**
 * KEYS: epoch, checkpoint meta, live key states, evicted key states.
 * ARGV: epoch, meta, live count, (key, state)…, evicted count, (key, state)….
 * Returns {1, epoch} when stored, {0, current epoch} when fenced (nothing written).
 */
export const SAVE_CHECKPOINT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current ~= tonumber(ARGV[1]) then return {0, current} end
redis.call('SET', KEYS[2], ARGV[2])
local i = 3
local live = tonumber(ARGV[i]); i = i + 1
local liveStart = i
i = i + 2 * live
local evicted = tonumber(ARGV[i]); i = i + 1
for j = 1, evicted do
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
  i = i + 2
end
redis.call('DEL', KEYS[3])
i = liveStart
for j = 1, live do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  redis.call('HDEL', KEYS[4], ARGV[i])
  i = i + 2
end
return {1, current}
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
