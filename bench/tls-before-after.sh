#!/usr/bin/env bash
# Handshake CPU per STARTTLS session, Botan 2 (before the move to Botan 3) against Botan 3
# (this checkout), in one interleaved run on one machine: tls_bench of both builds against
# the same Postfix peers (tests/support/smtp-peers.sh, loopback, stopped by PID at the end),
# full and resumed handshakes, the peer that negotiates TLS 1.3 and the 1.2-only one.
# Usage: bench/tls-before-after.sh [OLD_TLS_BENCH]
#   OLD_TLS_BENCH  a tls_bench built at a Botan 2 commit; without it, commit d1d8ab7 (the
#                  last on Botan 2) is built in a temporary worktree, with libbotan-2-dev
#                  installed by apt for it.
# Prints one line per benchmark and build: the median of 3 runs of wall and CPU per session.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release > /dev/null
old=${1:-}
work=$(mktemp -d)
trap 'bash tests/support/smtp-peers.sh stop "$work/smtp" >/dev/null 2>&1 || true
      [ -d "$work/old" ] && git worktree remove --force "$work/old" >/dev/null 2>&1; rm -rf "$work"' EXIT
if [ -z "$old" ]; then
  dpkg-query -W -f='${Status}' libbotan-2-dev 2>/dev/null | grep -q "install ok installed" ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libbotan-2-dev > /dev/null
  git worktree add -q "$work/old" d1d8ab7
  cmake -S "$work/old" -B "$work/old/build" -G Ninja -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" > /dev/null
  ninja -C "$work/old/build" tls_bench > /dev/null
  old=$work/old/build/bench/tls_bench
fi
bash tests/pki/make-test-pki.sh "$work/pki" > /dev/null
bash tests/support/smtp-peers.sh start "$work/smtp" "$work/pki" > /dev/null
. "$work/smtp/peers.env"
export SEALPOST_BENCH_PKI=$work/pki SEALPOST_BENCH_SMTP_PORT=$SMTP_PORT
for round in 1 2 3; do
  "$old" --benchmark_filter=BM_StartTlsSession --benchmark_format=csv 2>/dev/null | sed "s/^/botan2,/" >> "$work/all.csv"
  build/bench/tls_bench --benchmark_filter=BM_StartTlsSession --benchmark_format=csv 2>/dev/null |
    sed "s/^/botan3,/" >> "$work/all.csv"
done
python3 - "$work/all.csv" <<'PY'
import csv, statistics, sys
rows = {}
for r in csv.reader(open(sys.argv[1])):
    if len(r) < 6 or not r[1].startswith('"BM_') and not r[1].startswith('BM_'):
        continue
    key = (r[0], r[1].strip('"'))
    rows.setdefault(key, []).append((float(r[3]), float(r[4])))
print(f"{'build':7} {'benchmark':58} {'wall ms':>8} {'CPU ms':>8}")
for (build, name), v in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    print(f"{build:7} {name:58} {statistics.median(x for x, _ in v):8.3f} {statistics.median(c for _, c in v):8.3f}")
PY
