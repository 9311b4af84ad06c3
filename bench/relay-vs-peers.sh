#!/usr/bin/env bash
# Sealpost and Postfix side by side, doing the same job on the same machine (issue
# "benchmark"): loopback only, the same sinks (an isolated Postfix whose smtpd listeners on
# 127.0.0.32 and .33 offer STARTTLS with test-CA certificates and discard every message —
# tests/support/smtp-peers.sh), the same injection (smtp-source: N messages of 4 KiB over S
# sessions, spread over D=2 domains), and for each TLS setting, interleaved, P pairs of runs:
#   postfix        an isolated Postfix relay: tls none | may | secure (test CA, match= the
#                  domain), session cache on, smtp_tls_connection_reuse = no
#   postfix-reuse  the same with smtp_tls_connection_reuse = yes
#   sealpost       sealpostd with destconfig tls = no | preferred | required-verify
# Both relays route the two domains to the sink addresses statically (Postfix transport_maps,
# Sealpost smtproutes): Postfix's resolver reads /etc/resolv.conf and cannot be pointed at a
# test nsd on another port without changing the machine's resolver, which a benchmark must
# not do; so neither relay does DNS here.
# Reported per run: messages/s from the first injection to the last message the sinks
# accepted; relay CPU seconds per 1,000 messages (cpuacct cgroup of all the relay's
# processes — the primary figure); sink CPU; TLS handshakes per message (new TLS sessions,
# from the relay's own log); relay memory (PSS summed over its processes, at the end of
# ingest); whether every message arrived (a run that loses one is a failure, not a number);
# and other load on the machine in the second before the run (flagged above 10 %), besides the
# CPU time nobody's cgroup was charged for during the run (softirq of loopback traffic, disk
# writeback), reported as "unattributed". Then per setting the medians and the
# ratio Sealpost/Postfix. Then the ingest-only rate with the sinks stopped (SIGSTOP) — fsync
# before 250 for both — and queue bytes per message.
# SINK=sealpost puts bench/smtp_sink in the Postfix peers' place (127.0.0.62 and .63, the same
# certificates): Sealpost's own server code, STARTTLS on Botan, discarding at end of DATA with
# no queue, so that the relays' own ceiling shows rather than the Postfix sinks'.
# Everything started is stopped by PID. Usage: bench/relay-vs-postfix.sh
#   (N=2000 S=10 P=3 SETTINGS="no preferred required-verify" SINK=postfix|sealpost)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000} S=${S:-10} P=${P:-3} SETTINGS=${SETTINGS:-"no preferred required-verify"} SINK=${SINK:-postfix}
bash scripts/build.sh release > /dev/null
root=$PWD
work=$(mktemp -d /tmp/sealpost-vs-postfix.XXXXXX)
chmod 755 "$work"
cg=/sys/fs/cgroup/cpuacct
sealpost_pid= sink_pid=
cleanup() {
  [ -n "$sealpost_pid" ] && kill -9 "$sealpost_pid" 2>/dev/null || true
  [ -n "$sink_pid" ] && kill -CONT "$sink_pid" 2>/dev/null && kill "$sink_pid" 2>/dev/null || true
  [ -f "$work/pf/queue/pid/master.pid" ] && kill "$(tr -d ' ' < "$work/pf/queue/pid/master.pid")" 2>/dev/null || true
  pkill -CONT -f "$work/peers" 2>/dev/null || true
  bash tests/support/smtp-peers.sh stop "$work/peers" > /dev/null 2>&1 || true
  for g in relay sinks inject; do
    [ -d "$cg/sealpost-bench-$g" ] && { cat "$cg/sealpost-bench-$g/cgroup.procs" 2>/dev/null | while read -r p; do echo "$p" > "$cg/cgroup.procs" 2>/dev/null || true; done; rmdir "$cg/sealpost-bench-$g" 2>/dev/null || true; }
  done
  if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # so that the EXIT trap stops everything
for g in relay sinks inject; do mkdir -p "$cg/sealpost-bench-$g"; done
usage_ns() { cat "$cg/sealpost-bench-$1/cpuacct.usage"; }
in_group() { echo "$BASHPID" > "$cg/sealpost-bench-$1/cgroup.procs"; }  # the calling (sub)shell
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
tck=$(getconf CLK_TCK) ncpu=$(nproc)

bash tests/pki/make-test-pki.sh "$work/pki" > /dev/null
(in_group sinks; exec bash tests/support/smtp-peers.sh start "$work/peers" "$work/pki") > /dev/null
. "$work/peers/peers.env"   # SMTP_PORT
peer_log=$(readlink -f "$work/peers")/maillog
domains=(wild.mail.test cnonly.mail.test)
free_port() { local p=$((20000 + RANDOM % 30000)); while (exec 3<>"/dev/tcp/$1/$p") 2>/dev/null; do p=$((p + 1)); done; echo "$p"; }
if [ "$SINK" = sealpost ]; then
  sinks=(127.0.0.62 127.0.0.63) sink_port=$(free_port 127.0.0.62)
  (in_group sinks; exec build/bench/smtp_sink "$work/sink-count" \
     "127.0.0.62:$sink_port=$work/pki/mail-wildcard-chain.pem,$work/pki/mail-wildcard.key" \
     "127.0.0.63:$sink_port=$work/pki/mail-cn-only-chain.pem,$work/pki/mail-cn-only.key") 2> "$work/sink-stderr" &
  sink_pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.63/$sink_port") 2>/dev/null && break; sleep 0.05; done
else
  sinks=(127.0.0.32 127.0.0.33) sink_port=$SMTP_PORT
fi
sink_count() { cat "$work/sink-count" 2>/dev/null || echo 0; }
pf_port=$(free_port 127.0.0.60) sp_port=$(free_port 127.0.0.61)

# ---- the Postfix relay (one instance, reconfigured per setting) ----
pf=$work/pf
mkdir -p "$pf/queue" "$pf/data"
chown postfix "$pf/data"
postfix_config() {  # SETTING REUSE(yes|no) DEFER(yes|no)
  local level
  case "$1" in no) level=none ;; preferred) level=may ;; required-verify) level=secure ;; esac
  cat > "$pf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
mail_owner = postfix
inet_interfaces = all
inet_protocols = ipv4
myhostname = relay.postfix.test
mydestination =
local_recipient_maps =
relay_domains = ${domains[*]}
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
transport_maps = texthash:$pf/transport
smtp_tls_policy_maps = texthash:$pf/tls_policy
smtp_tls_security_level = $level
smtp_tls_CAfile = $work/pki/ca-bundle.pem
smtp_tls_session_cache_database = btree:$pf/data/smtp_scache
smtp_tls_connection_reuse = $2
smtp_tls_loglevel = 1
default_destination_concurrency_limit = 20
in_flow_delay = 0
smtputf8_enable = no
alias_maps =
alias_database =
maillog_file = $pf/maillog
maillog_file_prefixes = $pf
defer_transports = $([ "$3" = yes ] && echo smtp)
CF
  : > "$pf/transport"; : > "$pf/tls_policy"
  for i in 0 1; do
    echo "${domains[$i]} smtp:[${sinks[$i]}]:$sink_port" >> "$pf/transport"
    [ "$level" = secure ] && echo "[${sinks[$i]}]:$sink_port secure match=${domains[$i]}" >> "$pf/tls_policy"
  done
  sed -n '/^cleanup/,$p' "$(readlink -f "$work/peers")/master.cf" > "$pf/master.cf.tail"
  # tlsproxy: smtp_tls_connection_reuse hands TLS connections to it.
  { echo "127.0.0.60:$pf_port inet n - n - - smtpd"; cat "$pf/master.cf.tail"; echo "tlsproxy  unix - - n - 0 tlsproxy"; } > "$pf/master.cf"
}
postfix_start() {
  (in_group relay; exec script -qec "postfix -c '$pf' start" /dev/null) > "$pf/start.log" 2>&1 || { cat "$pf/start.log"; exit 1; }
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.60/$pf_port") 2>/dev/null && return 0; sleep 0.1; done
  echo "postfix relay did not start"; cat "$pf/maillog"; exit 1
}
postfix_stop() { script -qec "postfix -c '$pf' stop" /dev/null > /dev/null 2>&1 || true; sleep 0.5; rm -f "$pf/maillog"; }

# ---- sealpostd ----
sealpost_start() {  # SETTING
  local etc=$work/sp-etc
  rm -rf "$etc"; mkdir -p "$etc/trust"
  cp "$work/pki/ca-bundle.pem" "$etc/trust/test-ca.pem"
  cat > "$etc/sealpost.toml" <<CF
[server]
user = "root"                              # the benchmark runs as root
hostname = "relay.sealpost.test"
listen = ["127.0.0.61:$sp_port"]
max_connections = 200
[spool]
directory = "spool"
[delivery]
retry_seconds = [60]
[trust]
system_bundle = false
[log]
file = "relay.log"
outcome_file = "outcome.jsonl"
CF
  printf '[default]\ntls = "%s"\n' "$1" > "$etc/destconfig.toml"
  for i in 0 1; do printf '["%s"]\nhosts = ["%s:%s"]\n' "${domains[$i]}" "${sinks[$i]}" "$sink_port"; done > "$etc/smtproutes.toml"
  (in_group relay; exec build/tools/sealpostd --etc "$etc") 2> "$work/sp-stderr" &
  sealpost_pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.61/$sp_port") 2>/dev/null && return 0; sleep 0.05; done
  cat "$work/sp-stderr"; exit 1
}
sealpost_stop() { kill "$sealpost_pid"; wait "$sealpost_pid" 2>/dev/null || true; sealpost_pid=; }

pss_kib() {  # PSS summed over the relay group's processes
  local sum=0 p v
  for p in $(cat "$cg/sealpost-bench-relay/cgroup.procs"); do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}
sink_base=0
arrived() {  # TAG: this run's messages the sinks accepted
  if [ "$SINK" = sealpost ]; then echo $(($(sink_count) - sink_base)); else grep -c "to=<[0-9]*$1@.*status=sent" "$peer_log" 2>/dev/null || true; fi
}
handshakes() {  # RELAY: TLS sessions set up in this run (a reused connection sets up none)
  if [ "$1" = sealpost ]; then
    grep '"tls_version":"TLS' "$work/sp-etc/outcome.jsonl" 2>/dev/null | grep -c '"connection_reused":false' || true
  else
    grep -c 'TLS connection established to' "$pf/maillog" 2>/dev/null || true
  fi
}

inject() {  # ADDRESS PORT TAG: N messages, half to each domain, S sessions each; waits for both
  local pids=() i
  for i in 0 1; do
    (in_group inject; exec smtp-source -s "$S" -m $((N / 2)) -l 4096 -N -f bench@client.test -t "$3@${domains[$i]}" "$1:$2") &
    pids+=($!)
  done
  wait "${pids[@]}"
}

# One run: inject N over the two domains, wait for every message at the sinks.
run_one() {  # RELAY SETTING PAIR
  local relay=$1 setting=$2 tag="r$RANDOM$RANDOM" addr port
  if [ "$relay" = sealpost ]; then sealpost_start "$setting"; addr=127.0.0.61 port=$sp_port
  else postfix_config "$setting" "$([ "$relay" = postfix-reuse ] && echo yes || echo no)" no; postfix_start; addr=127.0.0.60 port=$pf_port; fi
  local r0 s0 i0 b0 t0 t1 pss q0 q1
  # Other load: the machine's busy time in one second before the run, when only idle
  # daemons of ours exist (during the run, loopback softirq and writeback are unattributed).
  q0=$(busy_ticks); sleep 1; q1=$(busy_ticks)
  sink_base=$(sink_count)
  r0=$(usage_ns relay) s0=$(usage_ns sinks) i0=$(usage_ns inject) b0=$(busy_ticks) t0=$(date +%s.%N)
  inject "$addr" "$port" "$tag"
  pss=$(pss_kib)
  local got=0
  for _ in $(seq 1200); do got=$(arrived "$tag"); [ "${got:-0}" -ge "$N" ] && break; sleep 0.1; done
  t1=$(date +%s.%N)
  local r1 s1 i1 b1 hs
  r1=$(usage_ns relay) s1=$(usage_ns sinks) i1=$(usage_ns inject) b1=$(busy_ticks)
  hs=$(handshakes "$relay")
  if [ "$relay" = sealpost ]; then sealpost_stop; else postfix_stop; fi
  awk -v relay="$relay" -v setting="$setting" -v pair="$3" -v n="$N" -v got="${got:-0}" -v t0="$t0" -v t1="$t1" \
      -v rc=$((r1 - r0)) -v sc=$((s1 - s0)) -v ic=$((i1 - i0)) -v busy=$((b1 - b0)) -v tck="$tck" -v ncpu="$ncpu" \
      -v hs="${hs:-0}" -v pss="$pss" -v idle_busy=$((q1 - q0)) 'BEGIN {
    wall = t1 - t0; load = idle_busy / tck / ncpu; unattributed = (busy / tck - (rc + sc + ic) / 1e9) / (wall * ncpu)
    printf "%s %s %d %.1f %.3f %.3f %.2f %.1f %s %.0f %d\n", relay, setting, pair, n / wall, rc / 1e9 / n * 1000,
      sc / 1e9 / n * 1000, hs / n, pss / 1024, (got >= n ? "yes" : "LOST:" n - got), load * 100, unattributed * 100 }' >> "$work/runs"
  tail -1 "$work/runs" | awk '{ printf "  %-13s %-15s pair %d: %7.1f msgs/s, relay CPU %.3f s/1000, sink CPU %.3f s/1000, TLS sessions/msg %s, PSS %s MiB, arrived %s, other load before %s%%%s, unattributed during %s%%\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ($10 > 10 ? " (FLAGGED)" : ""), $11 }'
}

: > "$work/runs"
echo "N=$N messages of 4 KiB, S=$S sessions per domain, 2 domains, $P interleaved pairs per setting, $ncpu CPUs, sink: $SINK"
for setting in $SETTINGS; do
  for pair in $(seq "$P"); do
    # Alternate who goes first, so neither always meets a warm or a cold machine.
    if [ $((pair % 2)) = 1 ]; then order="postfix postfix-reuse sealpost"; else order="sealpost postfix-reuse postfix"; fi
    for relay in $order; do run_one "$relay" "$setting" "$pair"; done
  done
done

echo
echo "| setting | relay | msgs/s (median) | relay CPU s / 1,000 msgs (median) | sink CPU s / 1,000 | TLS sessions per msg | relay PSS MiB | all arrived | flagged runs |"
echo "|---|---|---|---|---|---|---|---|---|"
python3 - "$work/runs" <<'PY'
import statistics, sys
runs = [l.split() for l in open(sys.argv[1])]
med = lambda xs: statistics.median(xs)
out = {}
for setting in dict.fromkeys(r[1] for r in runs):
    for relay in ("postfix", "postfix-reuse", "sealpost"):
        rs = [r for r in runs if r[0] == relay and r[1] == setting]
        if not rs: continue
        m = (med([float(r[3]) for r in rs]), med([float(r[4]) for r in rs]), med([float(r[5]) for r in rs]),
             med([float(r[6]) for r in rs]), med([float(r[7]) for r in rs]), all(r[8] == "yes" for r in rs))
        out[(setting, relay)] = m
        flagged = sum(1 for r in rs if float(r[9]) > 10)
        print("| %s | %s | %.0f | %.3f | %.3f | %.2f | %.1f | %s | %d of %d |" % (setting, relay, m[0], m[1], m[2], m[3], m[4], "yes" if m[5] else "NO", flagged, len(rs)))
print()
print("| setting | Sealpost/Postfix msgs/s | Sealpost/Postfix-reuse msgs/s | Sealpost/Postfix relay CPU per msg | Sealpost/Postfix-reuse relay CPU per msg |")
print("|---|---|---|---|---|")
for setting in dict.fromkeys(r[1] for r in runs):
    s, p, pr = out.get((setting, "sealpost")), out.get((setting, "postfix")), out.get((setting, "postfix-reuse"))
    if s and p and pr:
        print("| %s | %.2f | %.2f | %.2f | %.2f |" % (setting, s[0] / p[0], s[0] / pr[0], s[1] / p[1], s[1] / pr[1]))
PY

# ---- ingest only: the sinks stopped, fsync before 250 for both ----
echo
echo "Ingest only (sinks stopped with SIGSTOP; both relays fsync before 250):"
pkill -STOP -f "$(readlink -f "$work/peers")" || true
if [ -n "$sink_pid" ]; then kill -STOP "$sink_pid"; fi
for relay in postfix sealpost; do
  if [ "$relay" = sealpost ]; then sealpost_start required-verify; addr=127.0.0.61 port=$sp_port; qdir=$work/sp-etc/spool
  else postfix_config required-verify no yes; postfix_start; addr=127.0.0.60 port=$pf_port; qdir=$pf/queue; fi
  r0=$(usage_ns relay) t0=$(date +%s.%N)
  inject "$addr" "$port" ingest
  t1=$(date +%s.%N) r1=$(usage_ns relay)
  bytes=$(du -sb "$qdir" 2>/dev/null | cut -f1 || true)  # files move while du reads
  awk -v relay="$relay" -v n="$N" -v t0="$t0" -v t1="$t1" -v rc=$((r1 - r0)) -v b="$bytes" \
    'BEGIN { printf "  %-9s %6.0f msgs/s accepted, relay CPU %.3f s / 1,000, queue %.0f bytes per message (4 KiB body)\n", relay, n / (t1 - t0), rc / 1e9 / n * 1000, b / n }'
  if [ "$relay" = sealpost ]; then sealpost_stop; else postfix_stop; fi
done
pkill -CONT -f "$(readlink -f "$work/peers")" || true
if [ -n "$sink_pid" ]; then kill -CONT "$sink_pid"; fi
