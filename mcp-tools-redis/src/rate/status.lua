-- Reads a key's general budget without taking anything.
--
-- KEYS[1]  the general budget's counter
-- ARGV[1]  the general window, ms
--
-- Returns {used, left_ms}; a counter that is gone is a whole budget.

local window_ms = tonumber(ARGV[1])
local used = redis.call('GET', KEYS[1])
if not used then
    return {0, window_ms}
end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
    left = window_ms
end
return {tonumber(used), left}
