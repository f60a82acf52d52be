#!/usr/bin/env bash
# Walks the whole OAuth authorization-code flow with curl against a running hsoauth, the way an
# integration would: authorize URL → consent form → approve → code at the redirect URI →
# exchange → inspect → refresh → revoke → revoked tokens refused.
#   scripts/auth-code-flow.sh [BASE_URL]
# Uses the demo app of conf/seed.json unless CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SCOPE and
# OPTIONAL_SCOPE say otherwise. Exits non-zero as soon as a step does not behave as HubSpot would.
set -euo pipefail

base_url=${1:-http://127.0.0.1:8080}
client_id=${CLIENT_ID:-demo-client-id}
client_secret=${CLIENT_SECRET:-demo-client-secret}
redirect_uri=${REDIRECT_URI:-http://localhost:3000/oauth/callback}
scope=${SCOPE:-oauth crm.objects.contacts.read}
optional_scope=${OPTIONAL_SCOPE:-crm.objects.contacts.write}
state="flow-$RANDOM"

step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
json_field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p"; }
urlencode() { local LC_ALL=C s=$1 out= c i; for ((i = 0; i < ${#s}; i++)); do c=${s:i:1};
  case $c in [a-zA-Z0-9.~_-]) out+=$c ;; *) printf -v c '%%%02X' "'$c"; out+=$c ;; esac; done; echo "$out"; }

authorize_url="$base_url/oauth/authorize?client_id=$(urlencode "$client_id")&redirect_uri=$(urlencode "$redirect_uri")&scope=$(urlencode "$scope")&optional_scope=$(urlencode "$optional_scope")&state=$state"
step "1. open the authorize URL"
echo "GET $authorize_url"
page=$(curl -sS --fail "$authorize_url")
csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p')
user_id=$(printf '%s' "$page" | sed -n 's/.*name="user_id" value="\([0-9]*\)" checked.*/\1/p')
hub_id=$(printf '%s' "$page" | sed -n 's/.*name="hub_id" value="\([0-9]*\)" checked.*/\1/p')
[ -n "$csrf" ] || fail "the consent page has no CSRF token"
echo "consent page: sign in as user $user_id, account $hub_id (CSRF token received)"

step "2. approve on the consent page"
location=$(curl -sS -o /dev/null -w '%{redirect_url}' -X POST "$base_url/oauth/authorize" \
  --data-urlencode "csrf_token=$csrf" --data-urlencode "user_id=$user_id" \
  --data-urlencode "hub_id=$hub_id" --data-urlencode "action=approve")
echo "303 See Other → $location"
code=$(printf '%s' "$location" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
returned_state=$(printf '%s' "$location" | sed -n 's/.*[?&]state=\([^&]*\).*/\1/p')
[ -n "$code" ] || fail "no code in the redirect"
[ "$returned_state" = "$state" ] || fail "state came back as '$returned_state', expected '$state'"

step "3. exchange the code for tokens"
tokens=$(curl -sS -X POST "$base_url/oauth/v1/token" \
  --data-urlencode grant_type=authorization_code --data-urlencode "client_id=$client_id" \
  --data-urlencode "client_secret=$client_secret" --data-urlencode "redirect_uri=$redirect_uri" \
  --data-urlencode "code=$code")
echo "$tokens"
access_token=$(printf '%s' "$tokens" | json_field access_token)
refresh_token=$(printf '%s' "$tokens" | json_field refresh_token)
[ -n "$access_token" ] && [ -n "$refresh_token" ] || fail "the exchange returned no tokens"

step "4. inspect the access token"
curl -sS --fail "$base_url/oauth/v1/access-tokens/$access_token"; echo

step "5. refresh"
refreshed=$(curl -sS -X POST "$base_url/oauth/v1/token" \
  --data-urlencode grant_type=refresh_token --data-urlencode "client_id=$client_id" \
  --data-urlencode "client_secret=$client_secret" --data-urlencode "refresh_token=$refresh_token")
echo "$refreshed"
new_access_token=$(printf '%s' "$refreshed" | json_field access_token)
[ -n "$new_access_token" ] || fail "the refresh returned no access token"

step "6. revoke the refresh token"
status=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$base_url/oauth/v1/refresh-tokens/$refresh_token")
echo "DELETE → $status"
[ "$status" = 204 ] || fail "revoke answered $status"

step "7. the revoked tokens are refused"
for token in "$access_token" "$new_access_token"; do
  status=$(curl -sS -o /dev/null -w '%{http_code}' "$base_url/oauth/v1/access-tokens/$token")
  echo "access token → $status"
  [ "$status" = 401 ] || fail "a revoked access token answered $status"
done
answer=$(curl -sS -X POST "$base_url/oauth/v1/token" \
  --data-urlencode grant_type=refresh_token --data-urlencode "client_id=$client_id" \
  --data-urlencode "client_secret=$client_secret" --data-urlencode "refresh_token=$refresh_token")
echo "refresh with the revoked token → $answer"
printf '%s' "$answer" | grep -q '"status":"BAD_REFRESH_TOKEN"' || fail "the revoked refresh token still works"

printf '\nthe whole flow behaved as HubSpot does\n'
