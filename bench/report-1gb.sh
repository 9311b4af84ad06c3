#!/usr/bin/env bash
# `sealpost report` on a 1 GB TLS outcome log (issue "log review", Speed): the recorded test
# log's records repeated with their domain varied over 1,000 domains and their day over 30,
# until the file passes SIZE_MB (default 1024); then the time of `report --format json` and of
# `--tlsrpt`, and the peak memory of each (VmHWM, polled). Memory must not grow with the log.
# Usage: bench/report-1gb.sh [SIZE_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1024}
bash scripts/build.sh release > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/big.jsonl" "$size_mb" <<'PY'
import json, sys
out, limit = sys.argv[1], int(sys.argv[2]) << 20
records = []
for line in open("tests/data/outcome_log.jsonl"):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if isinstance(r, dict) and "stage" in r and "queue_id" in r:
        records.append(r)
written, i = 0, 0
with open(out, "w") as f:
    while written < limit:
        chunk = []
        for r in records:
            r = dict(r)
            r["recipient_domain"] = "d%d.%s" % (i % 1000, r["recipient_domain"])
            r["time"] = "2026-10-%02dT%s" % (1 + i % 30, r["time"][11:])
            chunk.append(json.dumps(r, separators=(",", ":")))
            i += 1
        text = "\n".join(chunk) + "\n"
        f.write(text)
        written += len(text)
print("generated %d MiB, %d records" % (written >> 20, i), file=sys.stderr)
PY
measure() {  # LABEL COMMAND…: wall seconds and peak RSS
  local start end pid hwm=0 h
  start=$(date +%s.%N)
  "${@:2}" > "$work/out" 2> "$work/err" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    h=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
    sleep 0.05
  done
  wait "$pid"
  end=$(date +%s.%N)
  awk -v l="$1" -v s="$start" -v e="$end" -v m="$hwm" -v b="$(stat -c %s "$work/big.jsonl")" \
    'BEGIN { printf "| %s | %.1f s | %.0f MB/s | %.1f MiB |\n", l, e - s, b / 1048576 / (e - s), m / 1024 }'
}
echo "| command | wall | throughput | peak RSS |"
echo "|---|---|---|---|"
measure "report --format json" build/tools/sealpost report --log "$work/big.jsonl" --format json
measure "report --tlsrpt DIR" build/tools/sealpost report --log "$work/big.jsonl" --tlsrpt "$work/rpt"
gzip -1 -c "$work/big.jsonl" > "$work/big.jsonl.gz"
measure "report on the same log gzip'd" build/tools/sealpost report --log "$work/big.jsonl.gz" --format csv
