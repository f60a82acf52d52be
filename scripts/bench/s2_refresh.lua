-- S2: POST /oauth/v1/token grant_type=refresh_token, spread over the preloaded refresh tokens.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
request = common.refresh_requests("/oauth/v1/token")
done = function(summary, latency) common.report(summary, latency) end
