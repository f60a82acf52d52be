#!/usr/bin/env bash
# Loads a seed file into a running hsoauth through the admin API (POST /admin/v1/seed).
#   scripts/seed.sh FILE [BASE_URL]
# BASE_URL defaults to http://127.0.0.1:8080; the admin key comes from HSOAUTH_ADMIN_KEY
# (default: the demo key of conf/hsoauth.json). Prints the server's answer; on any failure (a
# file that cannot be read, a server that cannot be reached, a refusal) says why on a line of
# its own on stderr and exits non-zero (2 for usage, 1 otherwise).
set -euo pipefail
usage="usage: scripts/seed.sh FILE [BASE_URL]"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then echo "$usage" >&2; exit 2; fi
file=$1
base_url=${2:-http://127.0.0.1:8080}
admin_key=${HSOAUTH_ADMIN_KEY:-demo-admin-key}

if [ ! -e "$file" ]; then echo "seed.sh: $file does not exist ($usage)" >&2; exit 2; fi
if [ -d "$file" ] || [ ! -r "$file" ]; then echo "seed.sh: cannot read $file" >&2; exit 2; fi

answer=$(mktemp)
trap 'rm -f "$answer"' EXIT
if ! status=$(curl -sS -o "$answer" -w '%{http_code}' -X POST "$base_url/admin/v1/seed" \
    -H "Authorization: Bearer $admin_key" -H "Content-Type: application/json" --data-binary "@$file"); then
  echo "seed.sh: no answer from $base_url (is hsoauth running there?)" >&2
  exit 1
fi
if [ -s "$answer" ]; then cat "$answer"; echo; fi
case $status in
  2??) ;;
  401) echo "seed.sh: $base_url refused the admin key (HTTP 401): set HSOAUTH_ADMIN_KEY" >&2; exit 1 ;;
  *) echo "seed.sh: $base_url refused $file (HTTP $status): see the message above" >&2; exit 1 ;;
esac
