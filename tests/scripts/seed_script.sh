#!/usr/bin/env bash
# scripts/seed.sh loads a seed file into a running server, and loading it twice changes nothing.
#   tests/scripts/seed_script.sh HSOAUTH_BINARY
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=${1:?usage: seed_script.sh HSOAUTH_BINARY}
work=$(mktemp -d /tmp/hsoauth-seed-XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$binary" serve --listen 127.0.0.1:0 --db "$work/hsoauth.db" --admin-key seed-test-admin-key-0 >"$work/out" 2>"$work/log" &
pid=$!
for _ in $(seq 1 100); do grep -q '^listening on' "$work/out" && break; sleep 0.05; done
base_url=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$base_url" ] || { cat "$work/log"; exit 1; }

failed=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; failed=1; fi; }
apps() { curl -sS -H 'Authorization: Bearer seed-test-admin-key-0' "$base_url/admin/v1/apps"; }

export HSOAUTH_BINARY=$binary
first=$(HSOAUTH_ADMIN_KEY=seed-test-admin-key-0 "$root/scripts/seed.sh" "$root/conf/seed.json" "$base_url")
check "the first load reports the demo app with its secret" \
  'echo "$first" | grep -q "\"client_id\":\"demo-client-id\",\"client_secret\":\"demo-client-secret\""'
after_first=$(apps)
HSOAUTH_ADMIN_KEY=seed-test-admin-key-0 "$root/scripts/seed.sh" "$root/conf/seed.json" "$base_url" >/dev/null
check "a second load leaves the same apps" '[ "$(apps)" = "$after_first" ]'
check "the seeded app is there" 'echo "$after_first" | grep -q "\"name\":\"Demo Integration\""'
check "a wrong admin key fails the script" \
  '! HSOAUTH_ADMIN_KEY=wrong "$root/scripts/seed.sh" "$root/conf/seed.json" "$base_url" >/dev/null 2>&1'
[ "$failed" = 0 ] && echo "4 passed, 0 failed" || { echo "failures above"; exit 1; }
