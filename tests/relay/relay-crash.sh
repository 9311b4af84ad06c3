#!/usr/bin/env bash
# Crash test of the spool (DESIGN.md "The spool"; issue "relay daemon"): 2,000 messages of
# 4 KiB are injected into sealpostd while it delivers them to an smtp-sink over several
# destinations, and the daemon is killed with SIGKILL at random moments several times and
# restarted. Afterwards every message the relay acknowledged with 250 must be in the sink
# (counted by Message-ID); duplicates are reported and must stay within what can be in
# flight at a kill (max_deliveries per kill). Loopback only; all processes stopped by PID.
# Usage: relay-crash.sh SEALPOSTD [MESSAGES] [KILLS]
set -uo pipefail
sealpostd=$1 messages=${2:-2000} kills=${3:-5}
work=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
trap cleanup EXIT
port=$(free_port 127.0.0.1)
no_dns=$(free_port 127.0.0.2)  # routes to loopback only: PTR lookups go here and are refused
sp=$(free_port 127.0.0.48)
domains=4 max_deliveries=20
mkdir -p "$work/etc"
cat > "$work/etc/sealpost.toml" <<CF
[server]
user = "root"                              # run as root on purpose: relay-ops-e2e tests the switch
hostname = "relay.sealpost.test"
listen = ["127.0.0.1:$port"]
[spool]
directory = "spool"
[dns]
servers = ["127.0.0.2:$no_dns"]  # nothing listens: lookups are refused at once, never the machine's resolver
[delivery]
retry_seconds = [1]
max_deliveries = $max_deliveries
[trust]
system_bundle = false
[log]
file = "relay.log"
outcome_file = ""
CF
for d in $(seq 0 $((domains - 1))); do printf '["d%s.test"]\nhosts = ["127.0.0.48:%s"]\n' "$d" "$sp"; done > "$work/etc/smtproutes.toml"
log=$work/etc/relay.log
sink 127.0.0.48 "$sp" "$work/sink"
start

python3 "$(dirname "$0")/inject.py" 127.0.0.1 "$port" "$messages" "$domains" "$work/accepted" 2> "$work/inject.log" &
injector=$!
for k in $(seq "$kills"); do
  sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  echo "kill -9 #$k after $(wc -l < "$work/accepted") accepted, $(ls "$work/etc/spool/queue" | grep -c '\.msg$') in the queue"
  start
done
wait "$injector"
cat "$work/inject.log"
queue_empty() {
  for _ in $(seq 1200); do [ "$(ls "$work/etc/spool/queue" | grep -c '\.msg$')" -eq 0 ] && return 0; sleep 0.1; done
  return 1
}
check "the queue drains after $kills kills" queue_empty
sleep 0.5  # the sink writes its last files
grep -h '^Message-ID: ' "$work/sink"/* | cut -d' ' -f2 | sort > "$work/delivered"
sort -u "$work/accepted" > "$work/accepted.sorted"
accepted=$(wc -l < "$work/accepted.sorted")
missing=$(comm -23 "$work/accepted.sorted" <(sort -u "$work/delivered") | wc -l)
duplicates=$(uniq -d "$work/delivered" | wc -l)
unacknowledged=$(comm -13 "$work/accepted.sorted" <(sort -u "$work/delivered") | wc -l)
echo "accepted $accepted, delivered $(wc -l < "$work/delivered") copies of $(sort -u "$work/delivered" | wc -l) messages," \
  "missing $missing, delivered twice $duplicates, delivered without a 250 seen by the client $unacknowledged"
check "every message acknowledged with 250 was accepted" test "$accepted" -eq "$messages"
check "no accepted message was lost" test "$missing" -eq 0
check "duplicates at most the messages in flight at the kills ($((kills * max_deliveries)))" test "$duplicates" -le $((kills * max_deliveries))
kill "$pid"; wait "$pid" 2>/dev/null; pid=
finish
