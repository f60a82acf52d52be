#!/usr/bin/env bash
# Runs the official-client tests (official-node.test.mjs: HubSpot's @hubspot/api-client, unchanged,
# against hsoauth) with node's test runner, installing the pinned client from package-lock.json
# first when node_modules is missing or older than it. Works from any directory. Environment:
#   HSOAUTH_BINARY   the hsoauth binary (default: <repo>/build/hsoauth)
# Exits non-zero when a test fails or the setup does.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

if [ ! -d node_modules/@hubspot/api-client ] || [ ! -d node_modules/oauth4webapi ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
  touch node_modules
fi

exec node --test official-node.test.mjs gateway-node.test.mjs
