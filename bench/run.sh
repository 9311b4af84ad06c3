#!/usr/bin/env bash
# Runs the micro-benchmarks: policy_bench on a fresh test PKI, dns_bench against a local nsd,
# tls_bench against a local Postfix smtpd (tests/support/smtp-peers.sh), all started here on
# loopback and stopped by PID at the end.
# Usage: bench/run.sh [benchmark args…]   (passed to both)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release > /dev/null
work=$(mktemp -d)
trap 'build/tests/dns_peers stop "$work/dns" >/dev/null 2>&1 || true
      bash tests/support/smtp-peers.sh stop "$work/smtp" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
bash tests/pki/make-test-pki.sh "$work/pki" > /dev/null
build/tests/dns_peers start "$work/dns" > /dev/null
. "$work/dns/peers.env"
bash bench/make-pathological-pki.sh "$work/pathological"
SEALPOST_BENCH_PKI=$work/pki SEALPOST_BENCH_PATHOLOGICAL=$work/pathological build/bench/policy_bench "$@"
SEALPOST_BENCH_NSD_PORT=$NSD_PORT build/bench/dns_bench "$@"
bash tests/support/smtp-peers.sh start "$work/smtp" "$work/pki" > /dev/null
. "$work/smtp/peers.env"
SEALPOST_BENCH_PKI=$work/pki SEALPOST_BENCH_SMTP_PORT=$SMTP_PORT build/bench/tls_bench "$@"
build/bench/mta_bench "$@"
