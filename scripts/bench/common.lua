-- Shared by the wrk scenarios of scripts/bench.sh: loads a token file, spreads requests over it,
-- and reports the figures the bench table needs as one JSON line on stdout.
local M = {}

-- The path prefix of the sandbox under test: "" for the root, "/sandboxes/<id>" for another.
M.prefix = os.getenv("BENCH_PREFIX") or ""

local threads = {}
function M.setup(thread)
  threads[#threads + 1] = thread
end

-- Installs wrk's init and request functions for a scenario that sends one request per token,
-- cycling over the tokens in $BENCH_TOKENS_DIR/<file> (`once`: each token once, from the first
-- after the $BENCH_SKIP that earlier runs used up, then the last one again). `build(token)` makes
-- the request text. Every request is built in init, before wrk starts its clock: wrk shares the
-- two cores with the server, and building each request as it is sent cost wrk 20 µs per refresh
-- at 10,000 tokens and about 55 at 1,000,000 (Lua interns every new string in one table), which
-- showed up as server latency. All scenarios, S0 and the peers' included, send prebuilt requests.
-- init runs in wrk's per-thread Lua states only.
-- $BENCH_MAX_PREBUILT (when set) caps the requests built, from the first token on: a run then
-- cycles over those (bench.sh says when and why).
function M.per_token(file, build, once)
  local requests = {}
  local i = tonumber(os.getenv("BENCH_SKIP") or "0")
  local most = tonumber(os.getenv("BENCH_MAX_PREBUILT") or "")
  init = function()
    for token in io.lines(os.getenv("BENCH_TOKENS_DIR") .. "/" .. file) do
      if most and #requests >= most then break end
      requests[#requests + 1] = build(token)
    end
  end
  request = function()
    i = i + 1
    if once then return requests[math.min(i, #requests)] end
    return requests[(i % #requests) + 1]
  end
end

local form = {["Content-Type"] = "application/x-www-form-urlencoded"}
M.form_headers = form

-- A refresh grant for `token` at `path`, with client_id and client_secret in the form body.
function M.refresh_request(path, token)
  return wrk.format("POST", path, form,
    "grant_type=refresh_token&client_id=bench-client&client_secret=bench-client-secret&refresh_token=" .. token)
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
