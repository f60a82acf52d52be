#!/usr/bin/env bash
# Loads a seed file into a running hsoauth through its admin API, with `hsoauth admin seed`
# (docs/admin-cli.md; the README's walk-through shows the same call with curl).
#   scripts/seed.sh FILE [BASE_URL]
# BASE_URL defaults to http://127.0.0.1:8080 (a sandbox's base_url works too); the admin key comes
# from HSOAUTH_ADMIN_KEY (default: the demo key of conf/hsoauth.json). The hsoauth binary is
# HSOAUTH_BINARY, else build/hsoauth, else hsoauth on the PATH. Prints the server's answer (JSON);
# on any failure (a file that cannot be read, a server that cannot be reached, a refusal) says
# why on a line of its own on stderr and exits non-zero (2 for usage, 1 otherwise).
set -euo pipefail
usage="usage: scripts/seed.sh FILE [BASE_URL]"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then echo "$usage" >&2; exit 2; fi
file=$1
base_url=${2:-http://127.0.0.1:8080}
admin_key=${HSOAUTH_ADMIN_KEY:-demo-admin-key}

if [ ! -e "$file" ]; then echo "seed.sh: $file does not exist ($usage)" >&2; exit 2; fi
if [ -d "$file" ] || [ ! -r "$file" ]; then echo "seed.sh: cannot read $file" >&2; exit 2; fi

root=$(cd "$(dirname "$0")/.." && pwd)
hsoauth=${HSOAUTH_BINARY:-}
if [ -z "$hsoauth" ]; then
  if [ -x "$root/build/hsoauth" ]; then hsoauth=$root/build/hsoauth; else hsoauth=$(command -v hsoauth || true); fi
fi
if [ -z "$hsoauth" ] || [ ! -x "$hsoauth" ]; then
  echo "seed.sh: no hsoauth binary: build it (./scripts/build.sh build) or set HSOAUTH_BINARY" >&2
  exit 2
fi

errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
rc=0
HSOAUTH_ADMIN_KEY=$admin_key "$hsoauth" admin --url "$base_url" --json seed "$file" 2>"$errors" || rc=$?
# The command's own error line (the request, HubSpot's status and message), then ours.
if [ -s "$errors" ]; then cat "$errors" >&2; fi
status=$(sed -n 's/.*the server answered \([0-9][0-9][0-9]\).*/\1/p' "$errors" | head -n 1)
case $rc in
  0) ;;
  2) echo "seed.sh: hsoauth admin refused the command line (see above)" >&2; exit 2 ;;
  3) echo "seed.sh: no answer from $base_url (is hsoauth running there?)" >&2; exit 1 ;;
  *) if [ "$status" = 401 ]; then
       echo "seed.sh: $base_url refused the admin key (HTTP 401): set HSOAUTH_ADMIN_KEY" >&2
     else
       echo "seed.sh: $base_url refused $file${status:+ (HTTP $status)}: see the message above" >&2
     fi
     exit 1 ;;
esac
