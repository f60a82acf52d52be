-- G1 and G2: GET /crm/v3/objects/contacts/1 with a preloaded access token, proxied to the echo
-- stub: through hsoauth's gateway (G1: token, limit and scope checked, then forwarded) or through
-- nginx proxy_pass (G2: forwarded as it is), the same requests either way.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
common.per_token("access.txt", function(token)
  return wrk.format("GET", "/crm/v3/objects/contacts/1", {["Authorization"] = "Bearer " .. token})
end)
done = function(summary, latency) common.report(summary, latency) end
