#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running hsoauth with a demo app:
# installs missing packages, builds (Release, into build/), creates var/hsoauth.db, loads
# conf/seed.json, prints the demo app's credentials and an authorize URL, and serves on
# 127.0.0.1:8080 (conf/hsoauth.json). Extra arguments go to `hsoauth serve`, e.g.
#   ./scripts/serve.sh --listen 127.0.0.1:9090
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh build
./scripts/build.sh build
mkdir -p var
exec build/hsoauth serve --config conf/hsoauth.json "$@"
