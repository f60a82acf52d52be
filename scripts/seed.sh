#!/usr/bin/env bash
# Loads a seed file into a running hsoauth through the admin API.
#   scripts/seed.sh FILE [BASE_URL]
# BASE_URL defaults to http://127.0.0.1:8080; the admin key comes from HSOAUTH_ADMIN_KEY
# (default: the demo key of conf/hsoauth.json).
set -euo pipefail
file=${1:?usage: scripts/seed.sh FILE [BASE_URL]}
base_url=${2:-http://127.0.0.1:8080}
admin_key=${HSOAUTH_ADMIN_KEY:-demo-admin-key}
curl --fail-with-body -sS -X POST "$base_url/admin/v1/seed" \
  -H "Authorization: Bearer $admin_key" -H "Content-Type: application/json" \
  --data-binary "@$file"
echo
