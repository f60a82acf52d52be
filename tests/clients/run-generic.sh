#!/usr/bin/env bash
# Runs generic-oauth.test.mjs (panva's oauth4webapi, a generic OAuth 2 client, against hsoauth's
# 2026-03 endpoints) with node's test runner, installing the pinned packages from
# package-lock.json first when node_modules is missing or older than it. Environment:
#   HSOAUTH_BINARY   the hsoauth binary (default: <repo>/build/hsoauth)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

if [ ! -d node_modules/oauth4webapi ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
  touch node_modules
fi

exec node --test generic-oauth.test.mjs
