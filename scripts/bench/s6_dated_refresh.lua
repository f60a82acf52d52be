-- S6: POST /oauth/2026-03/token grant_type=refresh_token, spread over the preloaded refresh
-- tokens: S2's twin on HubSpot's dated API.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
common.per_token("refresh.txt", function(token) return common.refresh_request(common.prefix .. "/oauth/2026-03/token", token) end)
done = function(summary, latency) common.report(summary, latency) end
