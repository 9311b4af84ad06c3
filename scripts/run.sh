#!/usr/bin/env bash
# Installs what is missing, builds, and starts Sealpost with the etc/ defaults. The relay
# daemon (sealpostd) is not built yet; until it is, this shows the administrator's command
# working on etc/: its help and the destination table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
export SEALPOST_ETC=$PWD/etc
build/tools/sealpost --help
echo
build/tools/sealpost destconfig list
echo
echo "sealpostd, the relay daemon, is not built yet: 'sealpost' is the administrator's command for now."
