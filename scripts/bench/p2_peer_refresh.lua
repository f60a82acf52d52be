-- P2 (--peers): oidc-provider's refresh grant, POST /token grant_type=refresh_token with
-- client_secret_post (client_id and client_secret in the form body, as hsoauth's S2), spread over
-- the refresh tokens that scripts/bench/peers/oidc-peer.mjs preloaded (not rotated, so each stays
-- usable for the whole run).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup = common.setup
common.per_token("refresh.txt", function(token) return common.refresh_request("/token", token) end)
done = function(summary, latency) common.report(summary, latency) end
