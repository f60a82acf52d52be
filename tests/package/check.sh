#!/usr/bin/env bash
# The Debian package as a team installing it would meet it: scripts/package.sh builds it; dpkg-deb
# shows its contents, conffiles and dependencies (from dpkg-shlibdeps); unpacked into a temporary
# root, its binary serves a temporary database (health, metrics, the admin CLI, SIGTERM exit 0);
# systemd-analyze verifies the unit; lintian finds no error.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "FAIL: $*" >&2; exit 1; }

deb=$(./scripts/package.sh | tail -n 1)
[ -f "$deb" ] || fail "scripts/package.sh made no package"
echo "package: $deb"

info=$(dpkg-deb --info "$deb")
echo "$info" | grep -q '^ Package: hsoauth$' || fail "not named hsoauth"
depends=$(echo "$info" | sed -n 's/^ Depends: //p')
echo "depends: $depends"
for library in libc6 libsqlite3-0 libssl3 libstdc++6; do
  echo "$depends" | grep -q "$library" || fail "Depends lacks $library (dpkg-shlibdeps)"
done
contents=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/hsoauth ./etc/hsoauth/hsoauth.json ./lib/systemd/system/hsoauth.service \
            ./usr/share/hsoauth/migrations/0001_initial.sql ./usr/share/doc/hsoauth/copyright \
            ./usr/share/doc/hsoauth/changelog.gz ./usr/share/doc/hsoauth/examples/seed.json; do
  echo "$contents" | grep -q " $path\$" || fail "the package lacks $path"
done
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
dpkg-deb --ctrl-tarfile "$deb" | tar -x -C "$work" ./conffiles
grep -qx /etc/hsoauth/hsoauth.json "$work/conffiles" || fail "/etc/hsoauth/hsoauth.json is not a conffile"

root=$work/root
dpkg-deb -x "$deb" "$root"
"$root/usr/bin/hsoauth" --version | grep -q '^hsoauth ' || fail "the unpacked binary does not run"
key=package-test-admin-key-0123
"$root/usr/bin/hsoauth" serve --config "$root/etc/hsoauth/hsoauth.json" --listen 127.0.0.1:0 \
  --db "$work/state/hsoauth.db" --admin-key "$key" >"$work/out" 2>"$work/log" &
server_pid=$!
for _ in $(seq 100); do grep -q 'listening on http://' "$work/out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on \(http:.*\)$/\1/p' "$work/out")
[ -n "$url" ] || { cat "$work/out" "$work/log"; fail "the unpacked binary did not start"; }
curl -sS --fail "$url/healthz" | grep -q '"ok"' || fail "/healthz"
scrape=$(curl -sS --fail "$url/metrics") || fail "/metrics"
grep -q '^hsoauth_http_requests_total{route="healthz"' <<<"$scrape" || fail "/metrics: no healthz requests"
HSOAUTH_URL=$url HSOAUTH_ADMIN_KEY=$key "$root/usr/bin/hsoauth" admin hubs create --domain packaged.example.com \
  | grep -q 'packaged.example.com' || fail "hsoauth admin against the unpacked server"
kill -TERM "$server_pid"
status=0; wait "$server_pid" || status=$?
server_pid=
[ "$status" -eq 0 ] || fail "SIGTERM: exit $status"
grep -q '"event":"stop"' "$work/log" || fail "no stop event in the JSON log"

if systemd-analyze --version >/dev/null 2>&1; then
  # The unit's dependencies (sysinit.target, …) come from the host's units, as on an installed system.
  cp -rn /lib/systemd/system/. "$root/lib/systemd/system/" 2>/dev/null || true
  out=$(systemd-analyze verify --root="$root" /lib/systemd/system/hsoauth.service 2>&1) || { echo "$out"; fail "systemd-analyze verify"; }
  echo "systemd-analyze verify: ok"
fi
command -v lintian >/dev/null || fail "lintian is missing: ./scripts/deps.sh test installs it"
lintian --fail-on error --no-tag-display-limit "$deb" || fail "lintian reports errors"
echo "package: all checks passed"
