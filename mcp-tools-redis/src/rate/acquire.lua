-- Takes one call from a key's budgets, atomically: the fixed windows of
-- mcp_tools::rate::WindowRateLimiter, each a counter whose expiry ends it.
--
-- KEYS[1]  the general budget's counter
-- KEYS[2]  the destructive budget's counter
-- KEYS[3]  the caller's refused-confirmation counter
-- ARGV[1]  general limit        ARGV[2]  general window, ms
-- ARGV[3]  destructive limit, or -1 without a destructive budget
-- ARGV[4]  destructive window, ms
-- ARGV[5]  refused-confirmation limit   ARGV[6]  its window, ms
-- ARGV[7]  the class: 'c' a call or request, 'd' a destructive call,
--          'n' a call carrying a confirmation token, 'y' a token that
--          verified, 'f' a token that was refused, 'v' a call carrying a
--          token that verified and its write ('n' then 'y', at once)
--
-- With classes 'n' and 'v', the verified token's replay marker may come too,
-- so that marking the token and charging its call are one step:
-- KEYS[4]  the token's replay marker
-- ARGV[8]  the value to write in it (this attempt's id)
-- ARGV[9]  its time to live, ms
-- A token whose marker exists is a refused token (as 'f'); the marker is
-- written only when the call is taken.
--
-- Returns "taken budget used left_ms", one string: taken is 1 or 0, or 2 for a token
-- found used (refused, and counted as such); budget is the one reported (1
-- general, 2 destructive, 3 refused confirmations, 4 destructive for a
-- verified token); used its count after the call; left_ms the time until its
-- window ends.

local general_limit, general_ms = tonumber(ARGV[1]), tonumber(ARGV[2])
local destructive_limit, destructive_ms = tonumber(ARGV[3]), tonumber(ARGV[4])
local failed_limit, failed_ms = tonumber(ARGV[5]), tonumber(ARGV[6])
local class = ARGV[7]
local has_destructive = destructive_limit >= 0

-- One bulk string rather than an array of four integers: every call waits
-- for this answer, and the client parses one value faster than five.
local function answer(taken, budget, used, left_ms)
    return string.format('%d %d %d %d', taken, budget, used, left_ms)
end

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

-- Reads a counter without starting its window.
local function peek(key, ms)
    local used = redis.call('GET', key)
    if not used then
        return 0, ms
    end
    local left = redis.call('PTTL', key)
    if left < 0 then
        left = ms
    end
    return tonumber(used), left
end

-- Refused tokens, counted per caller: a spent budget refuses a token before
-- it is looked at; a refused token takes one.
if class == 'n' or class == 'f' or class == 'v' then
    local failed_used, failed_left = window(KEYS[3], failed_ms)
    if failed_used >= failed_limit then
        return answer(0, 3, failed_used, failed_left)
    end
    if class == 'f' then
        redis.call('INCR', KEYS[3])
    end
end

local marker = KEYS[4]
if marker and redis.call('EXISTS', marker) == 1 then
    redis.call('INCR', KEYS[3])
    local general_used, general_left = peek(KEYS[1], general_ms)
    return answer(2, 1, general_used, general_left)
end

-- A checked token: its call was counted when it arrived ('n').
if class == 'y' or class == 'f' then
    if class == 'y' and has_destructive then
        local destructive_used, destructive_left = window(KEYS[2], destructive_ms)
        if destructive_used >= destructive_limit then
            return answer(0, 4, destructive_used, destructive_left)
        end
        redis.call('INCR', KEYS[2])
    end
    local general_used, general_left = peek(KEYS[1], general_ms)
    return answer(1, 1, general_used, general_left)
end

-- As in memory, a key seen for the first time starts both of its windows.
local fresh = has_destructive and redis.call('EXISTS', KEYS[1], KEYS[2]) == 0

local writes = class == 'd' or class == 'n' or class == 'v'
local general_used, general_left = window(KEYS[1], general_ms)
local destructive_used, destructive_left
if (has_destructive and writes) or fresh then
    destructive_used, destructive_left = window(KEYS[2], destructive_ms)
end

if general_used >= general_limit then
    return answer(0, 1, general_used, general_left)
end
if has_destructive and writes then
    if destructive_used >= destructive_limit then
        return answer(0, 2, destructive_used, destructive_left)
    end
    -- A token's write is charged once the token verified ('y', 'v').
    if class == 'd' or class == 'v' then
        redis.call('INCR', KEYS[2])
    end
end
if marker then
    redis.call('SET', marker, ARGV[8], 'PX', ARGV[9])
end
return answer(1, 1, redis.call('INCR', KEYS[1]), general_left)
