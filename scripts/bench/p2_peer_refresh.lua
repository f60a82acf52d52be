-- P2 (--peers): oidc-provider's refresh grant, POST /token grant_type=refresh_token with
-- client_secret_post (client_id and client_secret in the form body, as hsoauth's S2), spread over
-- the refresh tokens that scripts/bench/peers/oidc-peer.mjs preloaded (not rotated, so each stays
-- usable for the whole run).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local tokens = common.load(os.getenv("BENCH_TOKENS_DIR") .. "/refresh.txt")
local i = 0
local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
setup = common.setup
request = function()
  i = i + 1
  local body = "grant_type=refresh_token&client_id=bench-client&client_secret=bench-secret&refresh_token="
    .. tokens[(i % #tokens) + 1]
  return wrk.format("POST", "/token", headers, body)
end
done = function(summary, latency) common.report(summary, latency) end
