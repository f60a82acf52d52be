-- S5: POST /oauth/2026-03/token/introspect (client_id and client_secret in the form), spread over
-- the preloaded access tokens: S1's twin on HubSpot's dated API.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
common.per_token("access.txt", function(token)
  return wrk.format("POST", common.prefix .. "/oauth/2026-03/token/introspect", common.form_headers,
    "client_id=bench-client&client_secret=bench-client-secret&token=" .. token)
end)
done = function(summary, latency) common.report(summary, latency) end
