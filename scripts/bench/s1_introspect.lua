-- S1: GET /oauth/v1/access-tokens/{token}, spread over the preloaded access tokens.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
common.per_token("access.txt", function(token)
  return wrk.format("GET", common.prefix .. "/oauth/v1/access-tokens/" .. token)
end)
done = function(summary, latency) common.report(summary, latency) end
