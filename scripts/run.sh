#!/usr/bin/env bash
# Installs what is missing, builds, and starts the relay daemon sealpostd in the foreground
# with the etc/ defaults: SMTP on 127.0.0.1:2525 for the loopback networks, spool in
# /var/spool/sealpost, human log on standard error. Stop it with Ctrl-C (the queue stays).
# It works as the system user `sealpost` ([server] user), made here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
id -u sealpost > /dev/null 2>&1 ||
  useradd --system --user-group --home-dir /var/spool/sealpost --no-create-home --shell /usr/sbin/nologin sealpost
exec build/tools/sealpostd --etc "$PWD/etc"
