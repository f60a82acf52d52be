-- S0: GET /healthz, the ceiling of hsoauth's own HTTP stack.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
local healthz
init = function() healthz = wrk.format("GET", common.prefix .. "/healthz") end  -- once wrk has set the Host header
request = function() return healthz end
done = function(summary, latency) common.report(summary, latency) end
