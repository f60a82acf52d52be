-- P1 (--peers): oidc-provider's token introspection (RFC 7662), POST /token/introspection, spread
-- over the access tokens that scripts/bench/peers/oidc-peer.mjs preloaded. The client
-- authenticates with client_secret_post, as hsoauth's S2 does; token_type_hint says what the
-- token is, as S1's path does for hsoauth.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local tokens = common.load(os.getenv("BENCH_TOKENS_DIR") .. "/access.txt")
local i = 0
local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
setup = common.setup
request = function()
  i = i + 1
  local body = "token_type_hint=access_token&client_id=bench-client&client_secret=bench-secret&token="
    .. tokens[(i % #tokens) + 1]
  return wrk.format("POST", "/token/introspection", headers, body)
end
done = function(summary, latency) common.report(summary, latency) end
