#!/usr/bin/env bash
# Builds the Debian package dist/sealpost_VERSION_ARCH.deb (CPack, packaging/CMakeLists.txt)
# and checks it with lintian (no error allowed). Usage: scripts/package.sh [BUILD_DIR]
# Without BUILD_DIR it installs what is missing and makes the release build first; with one
# (the test suite passes its own) it packages that build as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-}
if [ -z "$build" ]; then
  bash scripts/install-deps.sh
  bash scripts/build.sh release
  build=build
fi
dist=$PWD/dist
mkdir -p "$dist"
rm -f "$dist"/sealpost_*.deb
ninja -C "$build" > /dev/null  # the man pages and documents the package ships
(cd "$build" && cpack -G DEB -B "$dist" > "$dist/cpack.log") || { cat "$dist/cpack.log"; exit 1; }
rm -rf "$dist/_CPack_Packages" "$dist/cpack.log"
deb=$(ls "$dist"/sealpost_*.deb)
# (As root lintian prints that it should not run as root: a remark, not a finding.)
lintian --fail-on error "$deb"
echo "$deb"
