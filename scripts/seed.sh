#!/usr/bin/env bash
# Loads a seed file into a running hsoauth through the admin API (hsoauth admin seed), printing
# the server's JSON answer (generated client secrets appear there, once).
#   scripts/seed.sh FILE [BASE_URL]
# BASE_URL defaults to HSOAUTH_URL, else http://127.0.0.1:8080; the admin key comes from
# HSOAUTH_ADMIN_KEY (default: the demo key of conf/hsoauth.json); the binary from HSOAUTH_BINARY
# (default: build/hsoauth).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
file=${1:?usage: scripts/seed.sh FILE [BASE_URL]}
base_url=${2:-${HSOAUTH_URL:-http://127.0.0.1:8080}}
binary=${HSOAUTH_BINARY:-$root/build/hsoauth}
HSOAUTH_ADMIN_KEY=${HSOAUTH_ADMIN_KEY:-demo-admin-key} exec "$binary" admin --url "$base_url" --json seed "$file"
