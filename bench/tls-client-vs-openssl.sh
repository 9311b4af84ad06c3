#!/usr/bin/env bash
# Sealpost's TLS client against an OpenSSL client (issue 17), in one run: tls_bench's
# BM_StartTlsSession (our client: Botan 3) and BM_OpenSslStartTlsSession (OpenSSL 3.0, the
# same session written with libssl), full and resumed, against the same Postfix smtpd peers
# (tests/support/smtp-peers.sh: 127.0.0.31 negotiates TLS 1.3, 127.0.0.51 only TLS 1.2),
# repetitions randomly interleaved so that neither client always meets a warm or a cold
# machine. Wall and client CPU (the benchmark thread's) per session, medians.
# Usage: bench/tls-client-vs-openssl.sh [REPETITIONS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-5}
bash scripts/build.sh release > /dev/null
work=$(mktemp -d)
trap 'bash tests/support/smtp-peers.sh stop "$work/smtp" > /dev/null 2>&1 || true; rm -rf "$work"' EXIT
bash tests/pki/make-test-pki.sh "$work/pki" > /dev/null
bash tests/support/smtp-peers.sh start "$work/smtp" "$work/pki" > /dev/null
. "$work/smtp/peers.env"
SEALPOST_BENCH_PKI=$work/pki SEALPOST_BENCH_SMTP_PORT=$SMTP_PORT build/bench/tls_bench \
  --benchmark_filter='StartTlsSession' --benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true --benchmark_min_time=1 --benchmark_format=json > "$work/out.json"
python3 - "$work/out.json" <<'PY'
import json, sys
rows = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("aggregate_name") != "median": continue
    name = b["run_name"]
    client = "OpenSSL 3.0" if "OpenSsl" in name else "Sealpost (Botan 3)"
    resume = "resumed" if "resume:1" in name else "full"
    peer = "TLS 1.2 (peer .51)" if "peer:12" in name else "TLS 1.3 (peer .31)"
    rows[(peer, resume, client)] = (b["real_time"], b["cpu_time"], b.get("resumed", 0), b.get("verified", 0), b.get("tls13", 0))
print("| peer | handshake | client | wall ms / session | client CPU ms / session | resumed | verified | TLS 1.3 |")
print("|---|---|---|---|---|---|---|---|")
for k in sorted(rows):
    w, c, r, v, t = rows[k]
    print("| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f |" % (k[0], k[1], k[2], w, c, r, v, t))
print()
print("| peer | handshake | client CPU Sealpost / OpenSSL | wall Sealpost / OpenSSL |")
print("|---|---|---|---|")
for peer in sorted({k[0] for k in rows}):
    for resume in ("full", "resumed"):
        s, o = rows.get((peer, resume, "Sealpost (Botan 3)")), rows.get((peer, resume, "OpenSSL 3.0"))
        if s and o:
            print("| %s | %s | %.2f× | %.2f× |" % (peer, resume, s[1] / o[1], s[0] / o[0]))
PY
