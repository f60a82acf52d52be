-- S4: DELETE /oauth/v1/refresh-tokens/{token} with cascade, each over a fresh revocable token.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
-- Past the end of the pool a token would be revoked twice (401): the table shows that as non-2xx.
common.per_token("revocable.txt", function(token)
  return wrk.format("DELETE", common.prefix .. "/oauth/v1/refresh-tokens/" .. token)
end, true)
done = function(summary, latency) common.report(summary, latency) end
