#!/usr/bin/env bash
# Installs the Debian 12 packages hsoauth needs that are missing, and nothing else.
#   scripts/deps.sh build    compiler, CMake and the libraries (what serve.sh needs)
#   scripts/deps.sh test     build + what the test suite uses (browser, fuzzing, load)
# Uses sudo when not root. Safe to run again: installed packages are skipped.
set -euo pipefail

set_name=${1:-build}
build_packages=(g++ cmake make ccache pkg-config libboost1.81-dev libsqlite3-dev libssl-dev
                nlohmann-json3-dev doctest-dev curl ca-certificates openssl)
test_packages=(wrk chromium clang-14 libclang-rt-14-dev sqlite3 python3 util-linux iproute2 nginx
               prometheus lintian dpkg-dev valgrind)

case "$set_name" in
  build) wanted=("${build_packages[@]}") ;;
  test) wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=()
# Node.js may come from elsewhere than Debian (its own npm then conflicts with Debian's):
# what matters is that the commands exist.
if [ "$set_name" = test ] && ! { command -v node >/dev/null && command -v npm >/dev/null; }; then
  missing+=(nodejs npm)
fi
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
