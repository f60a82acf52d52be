#!/usr/bin/env bash
# scripts/serve.sh as a newcomer meets it: it builds the server alone and says where the binary
# is, a restart puts conf/seed.json back, and --fresh starts from an empty database (but never
# under a running server). The build is recorded, not run: a stand-in `cmake` first on PATH logs
# its arguments, and the build directory holds the real binary.
#   tests/scripts/serve_script.sh HSOAUTH_BINARY
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=${1:?usage: serve_script.sh HSOAUTH_BINARY}
work=$(mktemp -d /tmp/hsoauth-serve-XXXXXX)
pid=
stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; fi; }
trap 'stop; rm -rf "$work"' EXIT

mkdir -p "$work/bin" "$work/build"
cat >"$work/bin/cmake" <<EOF
#!/bin/sh
echo "cmake \$*" >>"$work/cmake.log"
EOF
chmod +x "$work/bin/cmake"
ln -s "$(realpath "$binary")" "$work/build/hsoauth"
db=$work/var/hsoauth.db
admin=(-H 'Authorization: Bearer demo-admin-key')

# Starts serve.sh with `$@` in the background; its output goes to $work/out.
serve() {
  : >"$work/out"
  HSOAUTH_BUILD_DIR="$work/build" PATH="$work/bin:$PATH" \
    "$root/scripts/serve.sh" --listen 127.0.0.1:0 --db "$db" "$@" >"$work/out" 2>"$work/log" &
  pid=$!
  for _ in $(seq 1 600); do grep -q '^listening on' "$work/out" && break; sleep 0.05; done
  base_url=$(sed -n 's/^listening on //p' "$work/out")
  [ -n "$base_url" ] || { cat "$work/out" "$work/log"; exit 1; }
}

failed=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; failed=1; fi; }
apps() { curl -sS "${admin[@]}" "$base_url/admin/v1/apps"; }

serve
check "only the server is built" 'grep -q -- "--build $work/build .*--target hsoauth\$" "$work/cmake.log"'
check "nothing but the server is built" '[ "$(grep -c -- "--build" "$work/cmake.log")" = 1 ]'
check "it says where the binary is" 'grep -q "^hsoauth binary: $work/build/hsoauth" "$work/out"'
check "the demo seed is loaded" 'grep -q "demo-client-id" "$work/out"'

# The walk-through's traces: an app of one's own, a moved clock, a changed demo app.
curl -sS "${admin[@]}" -X POST "$base_url/admin/v1/apps" -d '{"name": "Mine", "client_id": "mine",
  "redirect_uris": ["http://localhost:4000/cb"], "scopes": ["oauth"]}' >/dev/null
curl -sS "${admin[@]}" -X POST "$base_url/admin/v1/apps" -d '{"app_id": 456789, "name": "Renamed",
  "client_id": "demo-client-id", "redirect_uris": ["http://localhost:3000/oauth/callback"], "scopes": ["oauth"]}' >/dev/null
curl -sS "${admin[@]}" -X POST "$base_url/admin/v1/clock" -d '{"advance_seconds": 1860}' >/dev/null
curl -sS "${admin[@]}" -X POST "$base_url/admin/v1/sandboxes" -d '{"name": "suite"}' >/dev/null

rc=0
HSOAUTH_BUILD_DIR="$work/build" PATH="$work/bin:$PATH" \
  "$root/scripts/serve.sh" --fresh --listen 127.0.0.1:0 --db "$db" >"$work/refused" 2>&1 || rc=$?
check "--fresh under a running server is refused" '[ "$rc" = 1 ] && grep -q "is open in process $pid" "$work/refused"'
check "... and points at POST /admin/v1/reset" 'grep -q "/admin/v1/reset" "$work/refused"'
check "... and deletes nothing" 'apps | grep -q "\"client_id\":\"mine\""'

stop
serve
check "a restart keeps one's own app" 'apps | grep -q "\"client_id\":\"mine\""'
check "a restart puts the demo app back as conf/seed.json says" 'apps | grep -q "\"name\":\"Demo Integration\""'
check "a restart keeps the sandboxes" '[ -d "$db.sandboxes" ] && curl -sS "${admin[@]}" "$base_url/admin/v1/sandboxes" | grep -q "\"name\":\"suite\""'
check "a restart keeps the clock" 'curl -sS "${admin[@]}" "$base_url/admin/v1/clock" | grep -q "\"offset_seconds\":1860"'

stop
serve --fresh
check "--fresh says what it deleted" 'grep -q "^serve.sh: deleted $db (--fresh)" "$work/out"'
check "--fresh leaves only the seed's apps" '! apps | grep -q "\"client_id\":\"mine\"" && apps | grep -q "demo-client-id"'
check "--fresh puts the clock back" 'curl -sS "${admin[@]}" "$base_url/admin/v1/clock" | grep -q "\"offset_seconds\":0"'
check "--fresh keeps the pepper file" '[ -s "$db.pepper" ]'
check "--fresh deletes the sandboxes kept next to the database" \
  'grep -q "^serve.sh: deleted $db.sandboxes (--fresh)" "$work/out" && curl -sS "${admin[@]}" "$base_url/admin/v1/sandboxes" | grep -q "\"results\":\[\]"'
check "--fresh is not passed on to hsoauth" '! grep -q "unknown flag" "$work/log"'
stop

[ "$failed" = 0 ] && echo "17 passed, 0 failed" || { echo "failures above"; exit 1; }
