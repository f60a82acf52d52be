#!/usr/bin/env bash
# Lints the OpenAPI document a real hsoauth serves (GET /openapi.json) with swagger-parser (npm,
# pinned in package-lock.json, installed on first run). Environment:
#   HSOAUTH_BINARY   the hsoauth binary (default: <repo>/build/hsoauth)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binary=${HSOAUTH_BINARY:-$here/../../build/hsoauth}
cd "$here"
if [ ! -d node_modules/@apidevtools/swagger-parser ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
  touch node_modules
fi

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$binary" serve --listen 127.0.0.1:0 --db "$work/db" --admin-key openapi-lint-admin-key >"$work/out" 2>"$work/log" &
server_pid=$!
for _ in $(seq 100); do
  grep -q 'listening on http://' "$work/out" && break
  sleep 0.1
done
url=$(sed -n 's/^listening on \(http:.*\)$/\1/p' "$work/out")
[ -n "$url" ] || { echo "the server did not start:"; cat "$work/out" "$work/log"; exit 1; }
curl -sS --fail "$url/openapi.json" -o "$work/openapi.json"
node lint.mjs "$work/openapi.json"
