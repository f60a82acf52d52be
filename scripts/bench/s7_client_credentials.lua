-- S7: POST /oauth/2026-03/token grant_type=client_credentials: each request issues an app-level
-- access token (a write, like a refresh).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
local request_text
init = function()
  request_text = wrk.format("POST", common.prefix .. "/oauth/2026-03/token", common.form_headers,
    "grant_type=client_credentials&client_id=bench-client&client_secret=bench-client-secret")
end
request = function() return request_text end
done = function(summary, latency) common.report(summary, latency) end
