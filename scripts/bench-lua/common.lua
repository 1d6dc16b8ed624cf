-- Shared by the bench's wrk scripts (loaded with dofile): counts the responses by status in each
-- thread and prints one machine-readable line at the end, which scripts/bench turns into its summary:
--   BENCH <req/s> <p50 ms> <p99 ms> <max ms> <requests> <status=count,...> <socket errors> <matched>
-- (matched: responses a script's own response hook counted in its global `matched`, or -1).
local threads = {}

-- BENCH_PACE_MS: each connection waits that long before each request (a fixed offered load, for the
-- latency at part of the peak) instead of sending the next at once.
local pace = tonumber(os.getenv("BENCH_PACE_MS") or "")
if pace then function delay() return pace end end

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts, keys, matched = {}, {}, -1
  for _, thread in ipairs(threads) do
    local m = thread:get("matched")
    if m then matched = math.max(matched, 0) + m end
    for status, n in pairs(thread:get("statuses") or {}) do
      if counts[status] == nil then table.insert(keys, status) end
      counts[status] = (counts[status] or 0) + n
    end
  end
  table.sort(keys)
  local parts = {}
  for _, status in ipairs(keys) do table.insert(parts, status .. "=" .. counts[status]) end
  local e = summary.errors
  io.write(string.format("BENCH %.1f %.2f %.2f %.2f %d %s connect=%d,read=%d,write=%d,timeout=%d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, #parts > 0 and table.concat(parts, ",") or "none",
    e.connect, e.read, e.write, e.timeout, matched))
end
