#!/usr/bin/env bash
# Installs what is missing, builds, and starts the relay daemon sealpostd in the foreground
# with the etc/ defaults: SMTP on 127.0.0.1:2525 for the loopback networks, spool in
# /var/spool/sealpost, human log on standard error. Stop it with Ctrl-C (the queue stays).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
exec build/tools/sealpostd --etc "$PWD/etc"
