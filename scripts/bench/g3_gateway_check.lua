-- G3: GET /gateway/v1/check, the forward-auth check nginx's auth_request makes, for
-- GET /crm/v3/objects/contacts/1 with a preloaded access token (compare with S1, a metadata read).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
common.per_token("access.txt", function(token)
  return wrk.format("GET", "/gateway/v1/check", {
    ["Authorization"] = "Bearer " .. token,
    ["X-Original-URI"] = "/crm/v3/objects/contacts/1",
    ["X-Original-Method"] = "GET",
  })
end)
done = function(summary, latency) common.report(summary, latency) end
