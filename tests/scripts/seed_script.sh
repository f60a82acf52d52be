#!/usr/bin/env bash
# scripts/seed.sh (hsoauth admin seed) loads a seed file into a running server or one of its
# sandboxes, and loading it twice changes nothing.
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

# Mistakes explain themselves, each on a line of its own, and fail the script.
seed() {
  local rc=0
  HSOAUTH_ADMIN_KEY=seed-test-admin-key-0 "$root/scripts/seed.sh" "$@" >"$work/seed.out" 2>&1 || rc=$?
  echo "$rc" >"$work/seed.rc"
}
seed "$work/no-such-seed.json" "$base_url"
check "a misspelt path exits 2" '[ "$(cat "$work/seed.rc")" = 2 ]'
check "a misspelt path is named as missing, on a line of its own" \
  'grep -q "^seed.sh: $work/no-such-seed.json does not exist" "$work/seed.out"'
check "a misspelt path sends nothing" '! grep -q "not valid JSON" "$work/seed.out"'
printf '{"hubs": [\n  {"hub_domain": "trailing.example.com",}\n]}\n' >"$work/trailing-comma.json"
seed "$work/trailing-comma.json" "$base_url"
check "a JSON syntax error fails the script" '[ "$(cat "$work/seed.rc")" = 1 ]'
check "a JSON syntax error is shown with its line and column" \
  'grep -q "not valid JSON: line 2, column 41: .*(a trailing comma?)" "$work/seed.out"'
check "the refusal is said on a line of its own" 'grep -q "^seed.sh: .*refused .*(HTTP 400)" "$work/seed.out"'
printf '{"hubs": [{"hub_domain": "colour.example.com", "colour": "blue"}]}\n' >"$work/unknown-field.json"
seed "$work/unknown-field.json" "$base_url"
check "an unknown field fails the script, named" \
  '[ "$(cat "$work/seed.rc")" = 1 ] && grep -q "hubs\[0\]: unknown field '"'"'colour'"'"' in a hub" "$work/seed.out"'
seed "$root/conf/seed.json" "http://127.0.0.1:1"
check "a server that is not there is said so" \
  '[ "$(cat "$work/seed.rc")" = 1 ] && grep -q "^seed.sh: no answer from http://127.0.0.1:1" "$work/seed.out"'
# A sandbox's base_url is a base URL like the root's (hsoauth admin keeps its path prefix).
sandbox_url=$(curl -sS -X POST -H 'Authorization: Bearer seed-test-admin-key-0' "$base_url/admin/v1/sandboxes" \
  -d '{"name": "seed.sh"}' | sed -n 's/.*"base_url":"\([^"]*\)".*/\1/p')
HSOAUTH_ADMIN_KEY=seed-test-admin-key-0 "$root/scripts/seed.sh" "$root/conf/seed.json" "$sandbox_url" >/dev/null
check "a sandbox's base_url takes the seed into that sandbox" \
  'curl -sS -H "Authorization: Bearer seed-test-admin-key-0" "$sandbox_url/admin/v1/apps" | grep -q "\"name\":\"Demo Integration\""'
check "nothing of the refused files was stored" '[ "$(apps)" = "$after_first" ] && ! curl -sS -H "Authorization: Bearer seed-test-admin-key-0" "$base_url/admin/v1/hubs" | grep -q "example.com"'
[ "$failed" = 0 ] && echo "14 passed, 0 failed" || { echo "failures above"; exit 1; }
