#!/usr/bin/env bash
# Runs the nginx configuration of docs/gateway.md (the block between the nginx markers) with
# Debian's nginx in front of the echo stub, hsoauth answering its auth_request subrequests, and
# checks what a client of nginx sees: the call passed with the identity headers, 401 without a
# token, 403 without the scope, the rate-limit headers, and 500 for hsoauth's 429 (nginx passes
# only 401 and 403). Skipped (exit 77) where nginx is not installed.
#   HSOAUTH_BINARY   the hsoauth binary (default: <repo>/build/hsoauth)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
binary=${HSOAUTH_BINARY:-$repo/build/hsoauth}
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "SKIP: nginx is not installed (scripts/deps.sh test installs it)"; exit 77; }

work=$(mktemp -d /tmp/hsoauth-nginx-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "--- nginx error log" >&2; cat "$work/error.log" >&2 || true; exit 1; }

# The line "listening on http://127.0.0.1:PORT" of a starting process, within 15 s.
port_of() {
  local file=$1
  for _ in $(seq 150); do
    if grep -q "listening on http://127.0.0.1:" "$file" 2>/dev/null; then
      sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$file" | head -1
      return
    fi
    sleep 0.1
  done
  cat "$file" >&2
  fail "no listening line in $file"
}

node "$repo/tests/support/echo-upstream.mjs" 0 > "$work/echo.out" 2>&1 &
pids+=($!)
echo_port=$(port_of "$work/echo.out")

"$binary" serve --listen 127.0.0.1:0 --db "$work/db" --admin-key nginx-test-admin-key-0123 \
  --seed "$repo/conf/seed.json" --log-requests false > "$work/hsoauth.out" 2> "$work/hsoauth.err" &
pids+=($!)
hsoauth_port=$(port_of "$work/hsoauth.out")

# A free port for nginx.
nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# The documented block, with this run's ports.
sed -n '/<!-- nginx:start -->/,/<!-- nginx:end -->/p' "$repo/docs/gateway.md" | sed '1,2d;$d' | sed '$d' \
  | sed -e "s/127.0.0.1:4010/127.0.0.1:$echo_port/" -e "s/127.0.0.1:8080/127.0.0.1:$hsoauth_port/" \
        -e "s/127.0.0.1:8000/127.0.0.1:$nginx_port/" > "$work/hsoauth.conf"
grep -q "auth_request /_hsoauth_check" "$work/hsoauth.conf" || fail "the nginx block of docs/gateway.md was not found"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $work/client_body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    include $work/hsoauth.conf;
}
CONF
"$nginx_bin" -t -c "$work/nginx.conf" -p "$work" > "$work/nginx-t.log" 2>&1 || { cat "$work/nginx-t.log"; fail "nginx -t"; }
"$nginx_bin" -c "$work/nginx.conf" -p "$work" 2>> "$work/error.log" &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break; sleep 0.1; done

hsoauth=http://127.0.0.1:$hsoauth_port
nginx=http://127.0.0.1:$nginx_port
admin=(-H "Authorization: Bearer nginx-test-admin-key-0123")
code=$(curl -s -X POST "$hsoauth/admin/v1/authorization-codes" "${admin[@]}" -d '{"client_id": "demo-client-id",
  "hub_id": 62515, "user_id": 123456, "redirect_uri": "http://localhost:3000/oauth/callback",
  "scopes": ["oauth", "crm.objects.contacts.read"]}' | sed -n 's/.*"code":"\([^"]*\)".*/\1/p')
token=$(curl -s -X POST "$hsoauth/oauth/v1/token" -d grant_type=authorization_code -d client_id=demo-client-id \
  -d client_secret=demo-client-secret --data-urlencode redirect_uri=http://localhost:3000/oauth/callback -d "code=$code" \
  | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || fail "no access token"

# 1. Allowed: the mock gets the call with who is calling; the client gets the rate-limit headers.
curl -s -D "$work/h1" -o "$work/b1" "$nginx/crm/v3/objects/contacts?limit=2" -H "Authorization: Bearer $token"
grep -q "^HTTP/1.1 200" "$work/h1" || fail "allowed call: $(head -1 "$work/h1")"
grep -q '"hub_id":"62515"' "$work/b1" || fail "the mock did not see X-HubSpot-Hub-Id: $(cat "$work/b1")"
grep -q '"app_id":"456789"' "$work/b1" || fail "the mock did not see X-HubSpot-App-Id"
grep -q '"scopes":"oauth crm.objects.contacts.read"' "$work/b1" || fail "the mock did not see X-HubSpot-Scopes"
grep -qi "^X-HubSpot-RateLimit-Max: 110" "$work/h1" || fail "no X-HubSpot-RateLimit-Max: $(cat "$work/h1")"
grep -qi "^X-HubSpot-RateLimit-Remaining: 109" "$work/h1" || fail "no X-HubSpot-RateLimit-Remaining 109"

# 2. No token: nginx passes the 401 status (its own page, not HubSpot's body).
status=$(curl -s -o /dev/null -w '%{http_code}' "$nginx/crm/v3/objects/contacts")
[ "$status" = 401 ] || fail "no token: $status"
# 3. A scope the token lacks: 403.
status=$(curl -s -o /dev/null -w '%{http_code}' "$nginx/crm/v3/objects/deals" -H "Authorization: Bearer $token")
[ "$status" = 403 ] || fail "missing scope: $status"
# 4. hsoauth's 429 reaches nginx's client as 500.
app=$(curl -s "$hsoauth/admin/v1/apps/456789" "${admin[@]}")
curl -s -o /dev/null -X POST "$hsoauth/admin/v1/apps" "${admin[@]}" -d "${app%\}}, \"rate_limit\": 1}"
curl -s -X POST "$hsoauth/admin/v1/clock" "${admin[@]}" -d '{"advance_seconds": 11}' > /dev/null
status=$(curl -s -o /dev/null -w '%{http_code}' "$nginx/crm/v3/objects/contacts" -H "Authorization: Bearer $token")
[ "$status" = 200 ] || fail "first call within rate_limit 1: $status"
status=$(curl -s -o /dev/null -w '%{http_code}' "$nginx/crm/v3/objects/contacts" -H "Authorization: Bearer $token")
[ "$status" = 500 ] || fail "over the limit through nginx: $status"
status=$(curl -s -o /dev/null -w '%{http_code}' "$hsoauth/gateway/v1/check" -H "X-Original-URI: /crm/v3/objects/contacts" \
  -H "Authorization: Bearer $token")
[ "$status" = 429 ] || fail "the check itself: $status"

echo "nginx forward-auth: 4 passed, 0 failed"
