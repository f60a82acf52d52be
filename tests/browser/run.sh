#!/usr/bin/env bash
# Runs the real-browser consent tests (consent.test.mjs) with node's test runner, installing
# playwright-core from package-lock.json first when node_modules is missing or older than it.
# Works from any directory. Environment (passed through):
#   HSOAUTH_BINARY          the hsoauth binary (default: <repo>/build/hsoauth)
#   HSOAUTH_ARTIFACTS_DIR   where consent-page.png is written (default: <repo>/build/artifacts)
#   HSOAUTH_CHROMIUM        the browser (default: /usr/bin/chromium, Debian's package)
# Exits non-zero when a test fails or the setup does.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund
  touch node_modules
fi

exec node --test consent.test.mjs
