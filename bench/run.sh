#!/usr/bin/env bash
# Runs the micro-benchmarks on a fresh test PKI. Usage: bench/run.sh [benchmark args…]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release > /dev/null
pki=$(mktemp -d)
trap 'rm -rf "$pki"' EXIT
bash tests/pki/make-test-pki.sh "$pki" > /dev/null
SEALPOST_BENCH_PKI=$pki build/bench/policy_bench "$@"
