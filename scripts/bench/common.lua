-- Shared by the wrk scenarios of scripts/bench.sh: loads a token file, spreads requests over it,
-- and reports the figures the bench table needs as one JSON line on stdout.
local M = {}

function M.load(path)
  local list = {}
  for line in io.lines(path) do list[#list + 1] = line end
  return list
end

local threads = {}
function M.setup(thread)
  threads[#threads + 1] = thread
end

-- Prints {"requests","duration_us","non2xx","socket_errors","p50_us","p99_us","extra"}.
function M.report(summary, latency, extra_key)
  local e = summary.errors
  local extra = 0
  if extra_key then
    for _, t in ipairs(threads) do extra = extra + (tonumber(t:get(extra_key)) or 0) end
  end
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d,"extra":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), extra))
end

return M
