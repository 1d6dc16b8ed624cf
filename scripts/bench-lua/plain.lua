-- wrk -s scripts/bench-lua/plain.lua URL -- PATH
-- GET PATH with no header but Host: the operations endpoints, counted by the shared summary.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local path = "/"
function init(args) path = args[1] or "/" end
function request() return wrk.format("GET", path) end
