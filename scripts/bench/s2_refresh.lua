-- S2: POST /oauth/v1/token grant_type=refresh_token, spread over the preloaded refresh tokens.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
common.per_token("refresh.txt", function(token) return common.refresh_request(common.prefix .. "/oauth/v1/token", token) end)
done = function(summary, latency) common.report(summary, latency) end
