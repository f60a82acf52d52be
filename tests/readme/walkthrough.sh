#!/usr/bin/env bash
# Runs the README's curl walk-through, verbatim but for the server address, against a fresh
# server seeded like ./scripts/serve.sh's, and checks that each step answered as the README says.
#   tests/readme/walkthrough.sh HSOAUTH_BINARY
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary=${1:?usage: walkthrough.sh HSOAUTH_BINARY}
work=$(mktemp -d /tmp/hsoauth-readme-XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$binary" serve --listen 127.0.0.1:0 --db "$work/hsoauth.db" --admin-key demo-admin-key \
  --seed "$root/conf/seed.json" >"$work/out" 2>"$work/log" &
pid=$!
for _ in $(seq 1 100); do grep -q '^listening on' "$work/out" && break; sleep 0.05; done
base_url=$(sed -n 's/^listening on //p' "$work/out")
[ -n "$base_url" ] || { cat "$work/log"; exit 1; }

# The block between the walkthrough markers, without its code fences.
sed -n '/<!-- walkthrough:start -->/,/<!-- walkthrough:end -->/p' "$root/README.md" \
  | sed '1d;$d' | sed '/^```/d' | sed "s|^HSOAUTH=http://127.0.0.1:8080\$|HSOAUTH=$base_url|" >"$work/walkthrough.sh"
grep -q "^HSOAUTH=$base_url" "$work/walkthrough.sh" || { echo "walkthrough block not found" >&2; exit 1; }
bash "$work/walkthrough.sh" >"$work/output" 2>&1
cat "$work/output"

expect() {  # expect DESCRIPTION PATTERN
  if grep -q -- "$2" "$work/output"; then echo "ok: $1"; else echo "FAILED: $1 (no '$2')"; failed=1; fi
}
failed=0
expect "the app is created with its secret" '"client_secret":"my-client-secret-42"'
expect "a code is minted" '^code: na1-'
expect "the code is exchanged for tokens" '"token_type":"bearer"'
expect "the access token is inspected" '"token_type":"access"'
expect "the refresh keeps the refresh token" '"token_use":"access_token"'
expect "the clock moves 1860 s" '"offset_seconds":1860'
expect "the first access token has expired" '"status":"EXPIRED_AUTHENTICATION"'
expect "the revoke answers 204" '^204$'
expect "the revoked refresh token is refused" '"status":"BAD_REFRESH_TOKEN"'

# The README's sample tokens look like those the server issues: the same visible prefix of an
# access token (its row id), a refresh token ending in its id.
first_access() { grep -o '"access_token":"C[A-Za-z0-9_-]*' "$1" | head -n 1 | sed 's/^"access_token":"//'; }
readme_access=$(first_access "$root/README.md")
issued_access=$(first_access "$work/output")
if [ -n "$readme_access" ] && [ "${readme_access:0:11}" = "${issued_access:0:11}" ]; then
  echo "ok: the README's access tokens start as issued ones do (${issued_access:0:11})"
else
  echo "FAILED: the README shows access tokens starting '${readme_access:0:11}', the server issues '${issued_access:0:11}'"
  failed=1
fi
expect "refresh tokens end in their id, as the README shows" '"refresh_token":"na1-[0-9a-f-]*-0000000000000001"'
grep -q '"refresh_token":"na1-[0-9a-f]*-…-0000000000000001"' "$root/README.md" \
  && echo "ok: the README shows a refresh token ending in its id" \
  || { echo "FAILED: the README's sample refresh token does not end in its id"; failed=1; }

# The README's license section points at files that say what it says.
grep -q 'Apache License' "$root/LICENSE" && grep -q 'Version 2.0, January 2004' "$root/LICENSE" \
  && grep -q 'tests/contract/' "$root/NOTICE" && grep -q '(LICENSE)' "$root/README.md" \
  && echo "ok: LICENSE is the Apache License 2.0 and NOTICE speaks of tests/contract" \
  || { echo "FAILED: LICENSE or NOTICE is missing or says something else"; failed=1; }
[ "$failed" = 0 ] && echo "1 passed, 0 failed" || { echo "0 passed, 1 failed"; exit 1; }
