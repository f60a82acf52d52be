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

-- A wrk request function for a refresh grant at `path` (client_id and client_secret in the form
-- body), spread over the refresh tokens in $BENCH_TOKENS_DIR/refresh.txt.
function M.refresh_requests(path)
  local tokens = M.load(os.getenv("BENCH_TOKENS_DIR") .. "/refresh.txt")
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
  local i = 0
  return function()
    i = i + 1
    local body = "grant_type=refresh_token&client_id=bench-client&client_secret=bench-secret&refresh_token="
      .. tokens[(i % #tokens) + 1]
    return wrk.format("POST", path, headers, body)
  end
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
