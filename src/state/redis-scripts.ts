/**
 * The Lua scripts of the Redis store: each runs atomically in Redis and does the same step as its pure
 * twin in transitions.ts. Time comes in as ARGV from the replica's clock (replicas keep NTP time);
 * absent values come back as -1. The sliding window's scripts are in redis-window-scripts.ts.
 */

/** KEYS: slots. ARGV: now, limit, leaseId, ttlMs. Returns {acquired, count}. */
export const ACQUIRE_SLOT = `
local key = KEYS[1]
local now, limit, lease, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
local count = redis.call('ZCARD', key)
local held = redis.call('ZSCORE', key, lease)
local ok = 0
if held or count < limit then
  redis.call('ZADD', key, now + ttl, lease)
  ok = 1
  if not held then count = count + 1 end
end
local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if #last > 0 then redis.call('PEXPIRE', key, tonumber(last[2]) - now) end
return {ok, count}
`;

/** KEYS: slots. ARGV: now, leaseId, ttlMs. Returns 1 when the lease was live and is extended. */
export const RENEW_SLOT = `
local key = KEYS[1]
local now, lease, ttl = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if not redis.call('ZSCORE', key, lease) then return 0 end
redis.call('ZADD', key, now + ttl, lease)
local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', key, tonumber(last[2]) - now)
return 1
`;

/** KEYS: usage hash, users set, month counter. ARGV: user, model, requests, prompt, completion, total, monthTtlMs. */
export const RECORD_USAGE = `
local model = ARGV[2]
redis.call('HINCRBY', KEYS[1], 'requests:' .. model, ARGV[3])
redis.call('HINCRBY', KEYS[1], 'prompt_tokens:' .. model, ARGV[4])
redis.call('HINCRBY', KEYS[1], 'completion_tokens:' .. model, ARGV[5])
redis.call('HINCRBY', KEYS[1], 'total_tokens:' .. model, ARGV[6])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('INCRBY', KEYS[3], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[7])
return 0
`;

/** KEYS: cooldown. ARGV: now, until. Keeps the later until-time; the key lapses with it. */
export const SET_COOLDOWN = `
local now, untilAt = tonumber(ARGV[1]), tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilAt > current and untilAt > now then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', untilAt - now)
end
return 0
`;

/** Reads a breaker hash into {failures, openUntil|-1, probeUntil|-1}; shared by the breaker scripts. */
const READ_BREAKER = `
local f = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
local o = tonumber(redis.call('HGET', KEYS[1], 'o') or '-1')
local p = tonumber(redis.call('HGET', KEYS[1], 'p') or '-1')
local function save(now, idle)
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'f', f, 'o', o, 'p', p)
  redis.call('PEXPIRE', KEYS[1], math.max(o, p, now) - now + idle)
end
`;

/** KEYS: breaker. ARGV: now, threshold, openMs, idleTtlMs. Returns {failures, openUntil, probeUntil}. */
export const BREAKER_FAILURE = `${READ_BREAKER}
local now, threshold, openMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
f = f + 1
if f >= threshold or o >= 0 then o = now + openMs else o = -1 end
p = -1
save(now, tonumber(ARGV[4]))
return {f, o, p}
`;

/** KEYS: breaker. ARGV: now, leaseMs, idleTtlMs. Returns 1 when this caller holds the half-open probe. */
export const BREAKER_PROBE = `${READ_BREAKER}
local now, lease = tonumber(ARGV[1]), tonumber(ARGV[2])
if o < 0 or o > now or p > now then return 0 end
p = now + lease
save(now, tonumber(ARGV[3]))
return 1
`;
