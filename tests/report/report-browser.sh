#!/usr/bin/env bash
# `sealpost report --html` rendered by a real browser (Debian's headless Chromium): the page
# loads with no network, its chart is drawn (one bar per domain and day, one rect per
# non-empty series), and the script in the page, adding up what the bars carry, arrives at
# the totals the table states. Also `sealpost report --follow`: records appended to a log
# appear, filtered, as they are written; a rotated (replaced) log is followed from its start.
# Usage: report-browser.sh SEALPOST LOG.jsonl
set -uo pipefail
sealpost=$1 log=$2
work=$(mktemp -d)
follower=
trap '[ -n "$follower" ] && kill "$follower" 2>/dev/null; rm -rf "$work"' EXIT
failures=0 checks=0
check() {
  checks=$((checks + 1))
  if "${@:2}"; then echo "ok   $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi
}

"$sealpost" report --log "$log" --html "$work/report.html" > /dev/null 2>&1
"$sealpost" report --log "$log" --format json > "$work/report.json" 2>/dev/null
timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
  --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/chromium.log"
read -r verified unverified plaintext failed connections domains < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); t = r["totals"]
print(t["verified"], t["encrypted_unverified"], t["plaintext"], t["failed"], t["connections"], len(r["domains"]))' "$work/report.json")
check "Chromium rendered the page" grep -q '<svg class="chart"' "$work/dom.html"
check "the page's own script summed the chart to the table's totals ($connections connections)" \
  grep -q "Charted: [0-9]* bars, $verified verified, $unverified encrypted unverified, $plaintext plaintext, $failed failed." "$work/dom.html"
check "one chart per domain ($domains)" test "$(grep -o '<svg class="chart"' "$work/dom.html" | wc -l)" -eq "$domains"
check "the totals row" grep -q "<tr class=\"total\"><td class=\"l\">total</td><td>$connections</td><td>$verified</td>" "$work/dom.html"
check "the failure table names the stages" bash -c 'grep -q "<td class=\"l\">chain</td>" "$1" && grep -q "<td class=\"l\">starttls-offer</td>" "$1"' _ "$work/dom.html"
check "no request left the page (no external resources)" bash -c '! grep -qiE "(src|href)=\"(https?:)?//" "$1"' _ "$work/report.html"

# --follow
live=$work/live.jsonl
head -3 "$log" > "$live"
"$sealpost" report --follow --log "$live" --setting required-verify > "$work/follow.out" 2>&1 &
follower=$!
sleep 1
grep '"setting":"required-verify"' "$log" | head -2 >> "$live"
grep '"setting":"preferred"' "$log" | head -2 >> "$live"
for _ in $(seq 50); do [ "$(wc -l < "$work/follow.out")" -ge 2 ] && break; sleep 0.1; done
check "--follow prints new records as they come, filtered (2 of 4)" \
  bash -c '[ "$(wc -l < "$1")" -eq 2 ] && ! grep -q "tls=preferred " "$1" && grep -q "tls=required-verify " "$1"' _ "$work/follow.out"
mv "$live" "$live.1"
grep '"setting":"required-verify"' "$log" | tail -1 > "$live"
for _ in $(seq 50); do [ "$(wc -l < "$work/follow.out")" -ge 3 ] && break; sleep 0.1; done
check "--follow reads a rotated log from its start" test "$(wc -l < "$work/follow.out")" -eq 3

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
