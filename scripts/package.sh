#!/usr/bin/env bash
# Builds the Debian package of hsoauth (CPack; dependencies from dpkg-shlibdeps) into
# build-package/package/, and prints its path.
#   scripts/package.sh [BUILD_DIR]   (default build-package: Release, prefix /usr, no tests built)
# Needs dpkg-dev (dpkg-shlibdeps) and fakeroot-free CPack; `./scripts/deps.sh test` installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-package}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DHSOAUTH_WERROR=ON -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target hsoauth
rm -f "$build_dir"/package/hsoauth_*.deb
(cd "$build_dir" && cpack -G DEB >/dev/null)
ls "$PWD/$build_dir"/package/hsoauth_*.deb
