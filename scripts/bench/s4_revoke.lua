-- S4: DELETE /oauth/v1/refresh-tokens/{token} with cascade, each over a fresh revocable token.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local tokens = common.load(os.getenv("BENCH_TOKENS_DIR") .. "/revocable.txt")
local i = 0
setup = common.setup
request = function()
  i = i + 1
  -- Past the end of the pool a token would be revoked twice (401): the table shows that as non-2xx.
  return wrk.format("DELETE", "/oauth/v1/refresh-tokens/" .. tokens[math.min(i, #tokens)])
end
done = function(summary, latency) common.report(summary, latency) end
