#!/usr/bin/env bash
# Runs the official-client tests (official-node.test.mjs) the way an integration that hard-codes
# HubSpot runs: @hubspot/api-client with NO basePath, so every call goes to https://api.hubapi.com.
# Inside a private mount and network namespace (unshare), /etc/hosts is a bind-mounted temporary
# file that sends HubSpot's host names to 127.0.0.1, hsoauth serves HTTPS on 127.0.0.1:443 with a
# certificate from scripts/dev-cert.sh --hubspot, and Node trusts its CA through
# NODE_EXTRA_CA_CERTS. Nothing outside the namespaces changes: neither the real /etc/hosts nor
# the machine's port 443. Environment:
#   HSOAUTH_BINARY   the hsoauth binary (default: <repo>/build/hsoauth)
# Exits 77 (ctest: skipped) with the reason where the namespaces cannot be made.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
skip() { echo "SKIPPED: $*"; exit 77; }

if [ "${HSOAUTH_IN_NAMESPACE:-}" != 1 ]; then
  # The namespace has no network: install the pinned client first.
  cd "$here"
  if [ ! -d node_modules/@hubspot/api-client ] || [ ! -d node_modules/oauth4webapi ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund
    touch node_modules
  fi
  command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
  namespaces=(--mount --net)
  # Without root, a user namespace maps us to root inside (where the kernel allows it).
  [ "$(id -u)" -ne 0 ] && namespaces+=(--map-root-user)
  if ! why=$(unshare "${namespaces[@]}" true 2>&1); then
    skip "cannot make a private mount and network namespace (unshare ${namespaces[*]}: $why)"
  fi
  HSOAUTH_IN_NAMESPACE=1 exec unshare "${namespaces[@]}" bash "$here/run-hubapi.sh" "$@"
fi

# In the namespaces: mounts made here stay here, and the network is a loopback of our own.
mount --make-rprivate / || skip "cannot make the mount namespace private"
command -v ip >/dev/null || skip "ip (iproute2) is not installed"
ip link set lo up || skip "cannot bring up the namespace's loopback"

work=$(mktemp -d /tmp/hsoauth-hubapi-XXXXXX)
trap 'umount /etc/hosts 2>/dev/null || true; rm -rf "$work"' EXIT
{
  cat /etc/hosts
  echo "127.0.0.1 api.hubapi.com api.hubspot.com app.hubspot.com"
} >"$work/hosts"
mount --bind "$work/hosts" /etc/hosts || skip "cannot bind-mount a file over /etc/hosts"
getent hosts api.hubapi.com | grep -q '^127\.0\.0\.1' || skip "api.hubapi.com does not resolve through /etc/hosts here"

bash "$repo/scripts/dev-cert.sh" --out "$work/cert" --hubspot >/dev/null
export NODE_EXTRA_CA_CERTS=$work/cert/ca.pem
export HSOAUTH_HUBAPI_CERT=$work/cert/server.pem HSOAUTH_HUBAPI_KEY=$work/cert/server.key
cd "$here"
node --test official-node.test.mjs
