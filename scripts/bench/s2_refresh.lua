-- S2: POST /oauth/v1/token grant_type=refresh_token, spread over the preloaded refresh tokens.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local tokens = common.load(os.getenv("BENCH_TOKENS_DIR") .. "/refresh.txt")
local i = 0
local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
setup = common.setup
request = function()
  i = i + 1
  local body = "grant_type=refresh_token&client_id=bench-client&client_secret=bench-secret&refresh_token="
    .. tokens[(i % #tokens) + 1]
  return wrk.format("POST", "/oauth/v1/token", headers, body)
end
done = function(summary, latency) common.report(summary, latency) end
