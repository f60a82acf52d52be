-- P1 (--peers): oidc-provider's token introspection (RFC 7662), POST /token/introspection, spread
-- over the access tokens that scripts/bench/peers/oidc-peer.mjs preloaded. The client
-- authenticates with client_secret_post, as hsoauth's S2 does; token_type_hint says what the
-- token is, as S1's path does for hsoauth.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
common.per_token("access.txt", function(token)
  return wrk.format("POST", "/token/introspection", common.form_headers,
    "token_type_hint=access_token&client_id=bench-client&client_secret=bench-client-secret&token=" .. token)
end)
done = function(summary, latency) common.report(summary, latency) end
