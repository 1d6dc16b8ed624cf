-- wrk -s scripts/bench-lua/get-case.lua URL -- IDS_FILE TOKEN
-- GET /v1/cases/{id} for a random id of IDS_FILE (one case id a line) each request.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local ids, headers = {}, {}

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  assert(#ids > 0, "no case ids in " .. args[1])
  headers = { ["Authorization"] = "Bearer " .. args[2] }
  math.randomseed(os.time() * 1000 + (thread_number or 0))
end

function request()
  return wrk.format("GET", "/v1/cases/" .. ids[math.random(#ids)], headers)
end
