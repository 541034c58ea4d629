/**
 * The Lua scripts of the Redis store: each runs atomically in Redis and does the same step as its pure
 * twin in transitions.ts. Time comes in as ARGV from the replica's clock (replicas keep NTP time);
 * absent values come back as -1. A window is two sorted sets: its exact entries, members `id|cost` scored
 * by admission time, and its folded entries, members `slot|cost` scored by the latest admission folded in.
 */

/**
 * KEYS: window (exact entries), folded. ARGV: now, windowMs, limit, cost, id, exactEntries, slotMs.
 * Returns {allowed, used, resetMs, retryAfterMs|-1}. Folded entries are oldest, so they are read first;
 * the exact entries beyond `exactEntries` fold, oldest first, into the newest folded entry when they fall
 * in its slot (or an earlier one), else into a new one; a folded entry is scored by its latest admission.
 * Both sets are bounded (64 + 61 members for a minute), so is the work.
 */
export const HIT_WINDOW = `
local function costOf(member) return tonumber(string.match(member, '|(%d+)$')) end
local key, folded = KEYS[1], KEYS[2]
local now, win, limit, cost, id = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local exact, slotMs = tonumber(ARGV[6]), tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - win)
redis.call('ZREMRANGEBYSCORE', folded, '-inf', now - win)
local old = redis.call('ZRANGE', folded, 0, -1, 'WITHSCORES')
local items = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
local used = 0
for i = 1, #old, 2 do used = used + costOf(old[i]) end
for i = 1, #items, 2 do used = used + costOf(items[i]) end
local newest = nil
if #old > 0 then newest = tonumber(old[#old]) end
if #items > 0 and (not newest or tonumber(items[#items]) > newest) then newest = tonumber(items[#items]) end
local allowed = used + cost <= limit
local retry = -1
local count = #items / 2
-- Refused: the oldest entries leave first; wait until enough have gone for cost to fit.
local function waitFor(list, freed)
  for i = 1, #list, 2 do
    freed = freed + costOf(list[i])
    if used - freed + cost <= limit then return tonumber(list[i + 1]) + win - now, freed end
  end
  return -1, freed
end
if allowed then
  retry = 0
  if cost > 0 then
    redis.call('ZADD', key, now, id .. '|' .. cost)
    if not newest or now > newest then newest = now end
    used = used + cost
    count = count + 1
  end
elseif cost <= limit then
  local freed
  retry, freed = waitFor(old, 0)
  if retry < 0 then retry = waitFor(items, freed) end
end
if count > exact then
  local oldest = redis.call('ZRANGE', key, 0, count - exact - 1, 'WITHSCORES')
  redis.call('ZREMRANGEBYRANK', key, 0, count - exact - 1)
  local slot, at, sum = nil, nil, nil
  if #old > 0 then
    redis.call('ZREM', folded, old[#old - 1])
    at, sum = tonumber(old[#old]), costOf(old[#old - 1])
    slot = math.floor(at / slotMs)
  end
  for i = 1, #oldest, 2 do
    local c, t = costOf(oldest[i]), tonumber(oldest[i + 1])
    if slot and math.floor(t / slotMs) <= slot then
      sum = sum + c
      if t > at then at = t end
    else
      if slot then redis.call('ZADD', folded, at, slot .. '|' .. sum) end
      slot, at, sum = math.floor(t / slotMs), t, c
    end
  end
  redis.call('ZADD', folded, at, slot .. '|' .. sum)
end
local reset = 0
if newest then reset = newest + win - now end
if reset > 0 then
  redis.call('PEXPIRE', key, reset)
  if #old > 0 or count > exact then redis.call('PEXPIRE', folded, reset) end
end
return {allowed and 1 or 0, used, reset, retry}
`;

/**
 * KEYS: window, folded. ARGV: id, at, admittedCost, actual, slotMs. Replaces the cost of the exact entry
 * `id` admitted at `at` if it is still there (0 removes it); the score finds the few members of that
 * millisecond, the id picks its own. Not there, it may have been folded: a higher actual cost is added to
 * the folded entry of its slot (scored within that slot), a lower one changes nothing.
 */
export const SETTLE_WINDOW = `
local prefix = ARGV[1] .. '|'
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[2])) do
  if string.sub(member, 1, #prefix) == prefix and not string.find(member, '|', #prefix + 1, true) then
    redis.call('ZREM', KEYS[1], member)
    if tonumber(ARGV[4]) > 0 then redis.call('ZADD', KEYS[1], ARGV[2], prefix .. ARGV[4]) end
    return 1
  end
end
local more, slotMs = tonumber(ARGV[4]) - tonumber(ARGV[3]), tonumber(ARGV[5])
if more <= 0 then return 0 end
local from = math.floor(tonumber(ARGV[2]) / slotMs) * slotMs
local holder = redis.call('ZRANGEBYSCORE', KEYS[2], from, from + slotMs - 1, 'WITHSCORES', 'LIMIT', 0, 1)
if #holder == 0 then return 0 end
local slot, cost = string.match(holder[1], '^(.*)|(%d+)$')
redis.call('ZREM', KEYS[2], holder[1])
redis.call('ZADD', KEYS[2], holder[2], slot .. '|' .. (tonumber(cost) + more))
return 2
`;

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
