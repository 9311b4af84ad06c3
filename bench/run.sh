#!/usr/bin/env bash
# Runs the micro-benchmarks: policy_bench on a fresh test PKI, dns_bench against a local nsd
# (started here on a free loopback port, stopped by PID at the end).
# Usage: bench/run.sh [benchmark args…]   (passed to both)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release > /dev/null
work=$(mktemp -d)
trap 'build/tests/dns_peers stop "$work/dns" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
bash tests/pki/make-test-pki.sh "$work/pki" > /dev/null
build/tests/dns_peers start "$work/dns" > /dev/null
. "$work/dns/peers.env"
SEALPOST_BENCH_PKI=$work/pki build/bench/policy_bench "$@"
SEALPOST_BENCH_NSD_PORT=$NSD_PORT build/bench/dns_bench "$@"
