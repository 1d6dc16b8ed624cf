-- wrk -s scripts/bench-lua/post-notice.lua URL -- TOKEN SCHOOL_URN RUN_TAG
-- POST /v1/roll-notifications: each request an addition of a new pupil at SCHOOL_URN, with its own
-- Idempotency-Key (as an MIS integration sends them), so every answer is a 201 that wrote a notice.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local headers, school, tag, n = {}, "", "", 0
local letters = "abcdefghijklmnopqrstuvwxyz"

-- A number as letters (names hold no digits after normalisation, so they stay distinct).
local function word(k)
  local s = ""
  repeat
    local d = k % 26
    s = s .. letters:sub(d + 1, d + 1)
    k = math.floor((k - d) / 26)
  until k == 0
  return s
end

function init(args)
  headers = { ["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json" }
  school, tag = args[2], args[3]
end

function request()
  n = n + 1
  local key = tag .. "-" .. (thread_number or 0) .. "-" .. n
  headers["Idempotency-Key"] = key
  local body = string.format(
    '{"type": "addition", "school_urn": "%s", "event_date": "2026-11-02", "pupil": {"first_name": "Bench", '
      .. '"last_name": "Notice%s%s%s", "date_of_birth": "2015-0%d-1%d"}}',
    school, tag, word(thread_number or 0), word(n), 1 + n % 9, n % 10)
  return wrk.format("POST", "/v1/roll-notifications", headers, body)
end
