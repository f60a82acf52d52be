-- S3: a full code flow: mint a code (POST /admin/v1/authorization-codes, the headless consent),
-- then exchange it (POST /oauth/v1/token). "extra" counts completed exchanges (flows).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local codes = {}
local flows = 0
local pending_exchange = false
local admin = {["Authorization"] = "Bearer " .. os.getenv("BENCH_ADMIN_KEY"),
               ["Content-Type"] = "application/json"}
local form = {["Content-Type"] = "application/x-www-form-urlencoded"}
local mint_body = '{"client_id":"bench-client","hub_id":62515,"user_id":123456,' ..
  '"redirect_uri":"http://localhost:3000/cb","scopes":["oauth","crm.objects.contacts.read"]}'
local token_path = common.prefix .. "/oauth/v1/token"
local mint_path = common.prefix .. "/admin/v1/authorization-codes"
setup = common.setup
request = function()
  local code = table.remove(codes)
  if code then
    return wrk.format("POST", token_path, form,
      "grant_type=authorization_code&client_id=bench-client&client_secret=bench-client-secret" ..
      "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&code=" .. code)
  end
  return wrk.format("POST", mint_path, admin, mint_body)
end
response = function(status, headers, body)
  local code = body:match('"code":"([^"]+)"')
  if code then
    codes[#codes + 1] = code
  elseif status == 200 and body:find('"access_token"', 1, true) then
    flows = flows + 1
    wrk.thread:set("flows", flows)
  end
end
done = function(summary, latency) common.report(summary, latency, "flows") end
