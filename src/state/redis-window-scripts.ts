/**
 * The Redis store's sliding-window scripts, the same steps as window-transitions.ts. A window is two sorted
 * sets: its exact entries, members `id|cost` scored by admission time, and its folded entries, members
 * `slot|cost` scored by the latest admission folded in. Time comes in as ARGV from the replica's clock.
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
local function total(members)
  local sum = 0
  for i = 1, #members do sum = sum + costOf(members[i]) end
  return sum
end
-- Scores are read only where needed: turning them into strings is most of what a read WITHSCORES costs.
local function newestOf(set)
  local last = redis.call('ZRANGE', set, -1, -1, 'WITHSCORES')
  return last[1], tonumber(last[2])
end
local key, folded = KEYS[1], KEYS[2]
local now, win, limit, cost, id = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local exact, slotMs = tonumber(ARGV[6]), tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - win)
redis.call('ZREMRANGEBYSCORE', folded, '-inf', now - win)
local old = redis.call('ZRANGE', folded, 0, -1)
local items = redis.call('ZRANGE', key, 0, -1)
local used = total(old) + total(items)
local lastFolded, lastFoldedAt, newest = nil, nil, nil
if #old > 0 then
  lastFolded, lastFoldedAt = newestOf(folded)
  newest = lastFoldedAt
end
if #items > 0 then
  local _, at = newestOf(key)
  if not newest or at > newest then newest = at end
end
local allowed = used + cost <= limit
local retry = -1
local count = #items
-- Refused: the oldest entries leave first; wait until enough have gone for cost to fit.
local function waitFor(set, freed)
  local list = redis.call('ZRANGE', set, 0, -1, 'WITHSCORES')
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
  retry, freed = waitFor(folded, 0)
  if retry < 0 then retry = waitFor(key, freed) end
end
if count > exact then
  local oldest = redis.call('ZRANGE', key, 0, count - exact - 1, 'WITHSCORES')
  redis.call('ZREMRANGEBYRANK', key, 0, count - exact - 1)
  local slot, at, sum = nil, nil, nil
  if lastFolded then
    redis.call('ZREM', folded, lastFolded)
    at, sum = lastFoldedAt, costOf(lastFolded)
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
