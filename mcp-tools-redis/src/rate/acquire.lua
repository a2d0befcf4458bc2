-- Takes one call from a key's budgets, atomically: the fixed windows of
-- mcp_tools::rate::WindowRateLimiter, each a counter whose expiry ends it.
--
-- KEYS[1]  the general budget's counter
-- KEYS[2]  the destructive budget's counter
-- ARGV[1]  general limit        ARGV[2]  general window, ms
-- ARGV[3]  destructive limit, or -1 without a destructive budget
-- ARGV[4]  destructive window, ms
-- ARGV[5]  '1' when the call is destructive
--
-- Returns {taken, budget, used, left_ms}: taken is 1 or 0; budget is the one
-- reported (1 general, 2 destructive); used its count after the call; left_ms
-- the time until its window ends.

local general_limit, general_ms = tonumber(ARGV[1]), tonumber(ARGV[2])
local destructive_limit, destructive_ms = tonumber(ARGV[3]), tonumber(ARGV[4])
local destructive = ARGV[5] == '1' and destructive_limit >= 0

-- A window starts with the first call that finds its counter gone.
local function window(key, ms)
    local used = redis.call('GET', key)
    if not used then
        redis.call('SET', key, 0, 'PX', ms)
        return 0, ms
    end
    local left = redis.call('PTTL', key)
    if left < 0 then
        -- A counter without expiry would never reset: give it one.
        redis.call('PEXPIRE', key, ms)
        left = ms
    end
    return tonumber(used), left
end

-- As in memory, a key seen for the first time starts both of its windows.
local fresh = destructive_limit >= 0 and redis.call('EXISTS', KEYS[1], KEYS[2]) == 0

local general_used, general_left = window(KEYS[1], general_ms)
local destructive_used, destructive_left
if destructive or fresh then
    destructive_used, destructive_left = window(KEYS[2], destructive_ms)
end

if general_used >= general_limit then
    return {0, 1, general_used, general_left}
end
if destructive then
    if destructive_used >= destructive_limit then
        return {0, 2, destructive_used, destructive_left}
    end
    redis.call('INCR', KEYS[2])
end
return {1, 1, redis.call('INCR', KEYS[1]), general_left}
