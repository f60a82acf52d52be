-- S1: GET /oauth/v1/access-tokens/{token}, spread over the preloaded access tokens.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local tokens = common.load(os.getenv("BENCH_TOKENS_DIR") .. "/access.txt")
local i = 0
setup = common.setup
request = function()
  i = i + 1
  return wrk.format("GET", "/oauth/v1/access-tokens/" .. tokens[(i % #tokens) + 1])
end
done = function(summary, latency) common.report(summary, latency) end
