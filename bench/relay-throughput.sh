#!/usr/bin/env bash
# End-to-end throughput of sealpostd (issue "relay daemon", Measured): smtp-source injects N
# messages of 4 KiB over S sessions, half to wild.mail.test and half to ptr.mail.test (MX
# records from a local nsd; Postfix smtpd peers with certificates from the test CA, which
# discard what they accept), with tls = required-verify and with tls = no. Reported: messages
# per second from the first injection to the last "status=sent" in the relay's log, the
# injection rate alone (250 after fsync), and the relay's CPU seconds per 1,000 messages
# (/proc utime + stime). Then RSS per queued message: 100,000 messages injected towards a
# destination that refuses connections stay queued; (RSS after − RSS before) / count.
# Everything runs on loopback and is stopped by PID.
# Usage: bench/relay-throughput.sh [MESSAGES…]   (default: 2000 10000; QUEUED=100000 SESSIONS=10)
# RELAYS="old=PATH new=PATH" compares several sealpostd binaries interleaved in one run
# (each row once per binary, in turn), with a column naming the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("${@:-2000}")
[ $# -eq 0 ] && counts=(2000 10000)
sessions=${SESSIONS:-10} queued=${QUEUED:-100000}
bash scripts/build.sh release > /dev/null
read -r -a relays <<< "${RELAYS:-sealpostd=build/tools/sealpostd}"
label_col=$([ -n "${RELAYS:-}" ] && echo yes || echo)
root=$PWD work=$(mktemp -d)
chmod 755 "$work"
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
      build/tests/dns_peers stop "$work/dns" >/dev/null 2>&1 || true
      bash tests/support/smtp-peers.sh stop "$work/smtp" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
bash tests/pki/make-test-pki.sh "$work/pki" > /dev/null
build/tests/dns_peers start "$work/dns" > /dev/null
bash tests/support/smtp-peers.sh start "$work/smtp" "$work/pki" > /dev/null
. "$work/dns/peers.env"
. "$work/smtp/peers.env"
tck=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
now() { date +%s.%N; }

# A fresh relay with `tls` for both domains; sets pid, port, etc.
start_relay() {  # SETTING RETRY_SECONDS [BINARY]
  etc=$work/etc-$RANDOM
  mkdir -p "$etc/trust"
  cp "$work/pki/ca-bundle.pem" "$etc/trust/test-ca.pem"
  port=$((20000 + RANDOM % 30000))
  cat > "$etc/sealpost.toml" <<CF
[server]
user = "root"                              # the benchmark runs as root
hostname = "relay.bench.test"
listen = ["127.0.0.1:$port"]
max_connections = 200
[spool]
directory = "spool"
[dns]
servers = ["127.0.0.1:$NSD_PORT"]
[delivery]
smtp_port = $SMTP_PORT
retry_seconds = [$2]
[trust]
system_bundle = false
[log]
file = "relay.log"
outcome_file = "outcome.jsonl"
CF
  printf '[default]\ntls = "%s"\n' "$1" > "$etc/destconfig.toml"
  printf '["refuse.test"]\nhosts = ["127.0.0.99:9"]\n' > "$etc/smtproutes.toml"
  "${3:-build/tools/sealpostd}" --etc "$etc" 2> "$etc/stderr" &
  pid=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0; sleep 0.05; done
  cat "$etc/stderr"; exit 1
}
stop_relay() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; rm -rf "$etc"; }
sent() { grep -c 'status=sent' "$etc/relay.log" 2>/dev/null || true; }

echo "|${label_col:+ sealpostd |} setting | messages | msgs/s end to end | ingest msgs/s (250 after fsync) | relay CPU s / 1,000 msgs | all arrived |"
echo "|${label_col:+---|}---|---|---|---|---|---|"
for n in "${counts[@]}"; do
  for setting in no required-verify; do
   for relay in "${relays[@]}"; do
    start_relay "$setting" 60 "${relay#*=}"
    cpu0=$(cpu_ticks "$pid") t0=$(now)
    smtp-source -s "$sessions" -m $((n / 2)) -l 4096 -f bench@client.test -t rcpt@wild.mail.test "127.0.0.1:$port" &
    a=$!
    smtp-source -s "$sessions" -m $((n - n / 2)) -l 4096 -f bench@client.test -t rcpt@ptr.mail.test "127.0.0.1:$port" &
    b=$!
    wait "$a" "$b"
    t_inj=$(now)
    for _ in $(seq 6000); do [ "$(sent)" -ge "$n" ] && break; sleep 0.05; done
    t1=$(now) cpu1=$(cpu_ticks "$pid")
    arrived=$([ "$(sent)" -eq "$n" ] && echo yes || echo "NO ($(sent))")
    awk -v s="$setting" -v n="$n" -v t0="$t0" -v ti="$t_inj" -v t1="$t1" -v c=$((cpu1 - cpu0)) -v tck="$tck" -v ok="$arrived" \
        -v l="${label_col:+ ${relay%%=*} |}" \
      'BEGIN { printf "|%s %s | %d | %.0f | %.0f | %.2f | %s |\n", l, s, n, n / (t1 - t0), n / (ti - t0), c / tck / n * 1000, ok }'
    stop_relay
   done
  done
done

echo
for relay in "${relays[@]}"; do
  start_relay no 3600 "${relay#*=}"
  sleep 0.5
  rss0=$(rss_kib "$pid")
  smtp-source -s "$sessions" -m "$queued" -l 4096 -f bench@client.test -t rcpt@refuse.test "127.0.0.1:$port"
  for _ in $(seq 6000); do [ "$(grep -c 'status=deferred' "$etc/relay.log")" -ge "$queued" ] && break; sleep 0.1; done
  rss1=$(rss_kib "$pid")
  echo "${label_col:+${relay%%=*}: }RSS with $queued messages queued (each tried once, deferred): $((rss1 / 1024)) MiB;" \
       "before: $((rss0 / 1024)) MiB; $(( (rss1 - rss0) * 1024 / queued )) bytes per queued message"
  stop_relay
done
