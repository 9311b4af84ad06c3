#!/usr/bin/env bash
# Sealpost and the relays a mail administrator would pick instead, doing the same job on the
# same machine (issue 17): loopback only, the same sinks, the same injection (smtp-source: N
# messages of 4 KiB over S connections per domain, 2 domains), the same static
# routes (no DNS), and for each TLS setting, interleaved, P rounds of one run per relay:
#   postfix        an isolated Postfix 3.7: tls none | may | secure (test CA, match= the
#                  domain), session cache on, smtp_tls_connection_reuse = no
#   postfix-reuse  the same with smtp_tls_connection_reuse = yes
#   exim           Exim 4.96 (exim4-daemon-heavy, GnuTLS): bench/peers/exim4.conf
#   opensmtpd      OpenSMTPD 6.8: bench/peers/smtpd.conf
#   haraka         Haraka 3.3 from npm on Node.js 20: bench/peers/haraka/
#   sealpost       sealpostd with destconfig tls = no | preferred | required-verify
# Exim and OpenSMTPD run from their unpacked Debian packages (bench/peers/install.sh: they
# conflict with postfix), each in a mount namespace of its own where /etc/hosts names the
# sinks (so that their certificate name checks see host names, as after an MX lookup) and,
# for OpenSMTPD, its compiled-in paths are this run's directories. Nothing on the machine's
# own configuration changes.
# The sinks: SINK=postfix (default), an isolated Postfix whose smtpd on 127.0.0.32 and .33
# offers STARTTLS with test-CA certificates and discards every message
# (tests/support/smtp-peers.sh; it queues what it discards, so it bounds the figures); or
# SINK=sealpost, bench/smtp_sink on 127.0.0.62 and .63 (the same certificates): Sealpost's
# server code, STARTTLS on Botan, discarding at end of DATA with no queue, so that the relays'
# own ceiling shows.
# Reported per run: messages/s from the first injection to the last message the sinks
# accepted; relay CPU seconds per 1,000 messages (cpuacct cgroup of all the relay's
# processes — the primary figure); sink CPU; TLS sessions per message (handshakes the sinks
# completed: the same count for every relay); relay memory (PSS summed over its processes,
# at the end of ingest); whether every message arrived (a run that loses one is a failure,
# not a number); other load on the machine in the second before the run (flagged above 10 %),
# and the CPU time nobody's cgroup was charged for during the run ("unattributed": softirq of
# loopback traffic, disk writeback). Then per setting the medians and the ratios
# Sealpost/peer; then the ingest-only rate with the sinks stopped (SIGSTOP), relay memory
# and queue bytes per message with the whole run queued. The runs go to RESULTS (a file) when
# set, for bench/plot-relays.sh.
# Everything started is stopped by PID. Usage: bench/relay-vs-peers.sh
#   (N=2000 S=10 P=3 SETTINGS="no preferred required-verify" SINK=postfix|sealpost
#    RELAYS="postfix postfix-reuse exim opensmtpd haraka sealpost" KEEP=1 RESULTS=file)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000} S=${S:-10} P=${P:-3} SETTINGS=${SETTINGS:-"no preferred required-verify"} SINK=${SINK:-postfix}
RELAYS=${RELAYS:-"postfix postfix-reuse exim opensmtpd haraka sealpost"}
bash scripts/build.sh release > /dev/null
peers=$(bash bench/peers/install.sh "${PEERS_DIR:-/var/cache/sealpost/bench-peers}")
exim=$peers/root/usr/sbin/exim4 smtpd=$peers/root/usr/sbin/smtpd haraka=$peers/haraka/node_modules/.bin/haraka
root=$PWD
work=$(mktemp -d /tmp/sealpost-vs-peers.XXXXXX)
chmod 755 "$work"
cgp=sealpost-bench
. bench/relay-lib.sh
sink_pid=
cleanup() {
  relay_kill_all
  [ -n "$sink_pid" ] && kill -CONT "$sink_pid" 2>/dev/null && kill "$sink_pid" 2>/dev/null || true
  [ -f "$work/pf/queue/pid/master.pid" ] && kill "$(tr -d ' ' < "$work/pf/queue/pid/master.pid")" 2>/dev/null || true
  pkill -CONT -f "$work/peers" 2>/dev/null || true
  bash tests/support/smtp-peers.sh stop "$work/peers" > /dev/null 2>&1 || true
  cg_remove
  if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # so that the EXIT trap stops everything
cg_create
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
tck=$(getconf CLK_TCK) ncpu=$(nproc)

bash tests/pki/make-test-pki.sh "$work/pki" > /dev/null
cp "$work/pki/ca-bundle.pem" "$work/ca.pem" && chmod 644 "$work/ca.pem"
(in_group sinks; exec bash tests/support/smtp-peers.sh start "$work/peers" "$work/pki") > /dev/null
. "$work/peers/peers.env"   # SMTP_PORT
peer_log=$(readlink -f "$work/peers")/maillog
domains=(wild.mail.test cnonly.mail.test)
free_port() { local p=$((10000 + RANDOM % 20000)); while (exec 3<>"/dev/tcp/$1/$p") 2>/dev/null; do p=$((p + 1)); done; echo "$p"; }
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
# The sinks by name, for the relays that route by host name (in their own mount namespace).
printf '127.0.0.1 localhost\n%s %s\n%s %s\n' "${sinks[0]}" "${domains[0]}" "${sinks[1]}" "${domains[1]}" > "$work/hosts"
# What the sinks have counted: messages accepted, TLS sessions completed.
sink_messages() {  # TAG (Postfix sinks: this run's recipients; our sink: its counter)
  if [ "$SINK" = sealpost ]; then sed -n 1p "$work/sink-count" 2>/dev/null || echo 0
  else grep -c "to=<[0-9]*$1@.*status=sent" "$peer_log" 2>/dev/null || true; fi
}
sink_tls() {
  if [ "$SINK" = sealpost ]; then sed -n 2p "$work/sink-count" 2>/dev/null || echo 0
  else grep -c "TLS connection established from" "$peer_log" 2>/dev/null || true; fi
}
declare -A addr=([postfix]=127.0.0.60 [postfix-reuse]=127.0.0.60 [sealpost]=127.0.0.61 [exim]=127.0.0.64
                 [opensmtpd]=127.0.0.65 [haraka]=127.0.0.66)
declare -A port
for r in postfix sealpost exim opensmtpd haraka; do port[$r]=$(free_port "${addr[$r]}"); done
port[postfix-reuse]=${port[postfix]}
wait_listening() {  # RELAY LOG
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/${addr[$1]}/${port[$1]}") 2>/dev/null && return 0; sleep 0.05; done
  echo "$1 did not start"; tail -20 "$2"; exit 1
}

# ---- Postfix (one instance, reconfigured per setting) ----
pf=$work/pf
mkdir -p "$pf/queue" "$pf/data"
chown postfix "$pf/data"
postfix_start() {  # SETTING REUSE(yes|no) DEFER(yes|no)
  local level
  case "$1" in no) level=none ;; preferred) level=may ;; required-verify) level=secure ;; esac
  postfix_main_cf "$pf" "$level" "$2" "$3" "${domains[*]}"
  printf 'transport_maps = texthash:%s/transport\nsmtp_tls_policy_maps = texthash:%s/tls_policy\n' "$pf" "$pf" >> "$pf/main.cf"
  : > "$pf/transport"; : > "$pf/tls_policy"
  for i in 0 1; do
    echo "${domains[$i]} smtp:[${sinks[$i]}]:$sink_port" >> "$pf/transport"
    [ "$level" = secure ] && echo "[${sinks[$i]}]:$sink_port secure match=${domains[$i]}" >> "$pf/tls_policy"
  done
  sed -n '/^cleanup/,$p' "$(readlink -f "$work/peers")/master.cf" > "$pf/master.cf.tail"
  # tlsproxy: smtp_tls_connection_reuse hands TLS connections to it.
  { echo "127.0.0.60:${port[postfix]} inet n - n - - smtpd"; cat "$pf/master.cf.tail"; echo "tlsproxy  unix - - n - 0 tlsproxy"; } > "$pf/master.cf"
  (in_group relay; exec script -qec "postfix -c '$pf' start" /dev/null) > "$pf/start.log" 2>&1 || { cat "$pf/start.log"; exit 1; }
  wait_listening postfix "$pf/maillog"
}
postfix_stop() { script -qec "postfix -c '$pf' stop" /dev/null > /dev/null 2>&1 || true; sleep 0.5; rm -f "$pf/maillog"; }

# ---- Exim 4 (bench/peers/exim4.conf; macros carry the run's values) ----
exim_start() {  # SETTING QUEUE_ONLY(yes|no)
  local w=$work/exim flag
  rm -rf "$w"; mkdir -p "$w/spool" "$w/log"; chown -R Debian-exim "$w"
  case "$1" in no) flag=TLS_NO ;; preferred) flag=TLS_PREFERRED ;; required-verify) flag=TLS_REQUIRED_VERIFY ;; esac
  local args=(-C "$root/bench/peers/exim4.conf" -DEXIM_BIN="$exim" -DWORK_DIR="$w" -DIN_ADDR=127.0.0.64
    -DIN_PORT="${port[exim]}" -DOUT_PORT="$sink_port" -DCA_FILE="$work/ca.pem"
    "-DRELAY_DOMAINS=${domains[0]} : ${domains[1]}"
    "-DROUTE_LIST=${domains[0]} ${domains[0]} byname ; ${domains[1]} ${domains[1]} byname" "-D$flag")
  [ "$2" = yes ] && args+=(-DQUEUE_ONLY)
  (in_group relay; exec unshare -m bash -c 'mount --bind "$1" /etc/hosts && exec "${@:2}"' _ "$work/hosts" \
     "$exim" "${args[@]}" -bdf -q5m) > "$w/stderr" 2>&1 &
  relay_pid=$!
  wait_listening exim "$w/stderr"
}
exim_stop() { kill "$relay_pid" 2>/dev/null; wait "$relay_pid" 2>/dev/null || true; relay_kill_all; }

# ---- OpenSMTPD (bench/peers/smtpd.conf; the setting is in the routes' URLs) ----
opensmtpd_start() {  # SETTING
  local w=$work/opensmtpd proto
  rm -rf "$w"; mkdir -p "$w/var-spool" "$w/run" "$w/var-lib/opensmtpd/empty"
  sed -e "s|@WORK@|$w|g; s|@IN@|127.0.0.65|; s|@PORT@|${port[opensmtpd]}|" "$root/bench/peers/smtpd.conf" > "$w/smtpd.conf"
  case "$1" in no) proto=smtp+notls ;; preferred) proto=smtp ;; required-verify) proto=smtp+tls ;; esac
  for i in 0 1; do echo "${domains[$i]} $proto://${domains[$i]}:$sink_port"; done > "$w/routes"
  printf '%s\n' "${domains[@]}" > "$w/relay_domains"
  (in_group relay; exec unshare -m bash -c 'mount --bind "$1" /etc/hosts && mount --bind "$2/var-spool" /var/spool &&
     mount --bind "$2/run" /run && mount --bind "$2/var-lib" /var/lib &&
     mount --bind "$3" /etc/ssl/certs/ca-certificates.crt && exec "$4" -d -f "$2/smtpd.conf"' _ \
     "$work/hosts" "$w" "$work/ca.pem" "$smtpd") > "$w/log" 2>&1 &
  relay_pid=$!
  wait_listening opensmtpd "$w/log"
}
opensmtpd_stop() { kill "$relay_pid" 2>/dev/null; wait "$relay_pid" 2>/dev/null || true; relay_kill_all; }

# ---- Haraka (bench/peers/haraka over a fresh `haraka -i` directory) ----
haraka_start() {  # SETTING DISABLED(yes|no)
  local w=$work/haraka force=""
  rm -rf "$w"; "$haraka" -i "$w" > /dev/null 2>&1
  cp -a "$root/bench/peers/haraka/." "$w/"
  [ "$1" = required-verify ] && force=$(printf 'force_tls_hosts[]=%s\n' "${domains[@]}")
  sed -i "s|@LISTEN@|127.0.0.66:${port[haraka]}|" "$w/config/smtp.ini"
  sed -i "s|@ENABLE_TLS@|$([ "$1" = no ] && echo false || echo true)|" "$w/config/outbound.ini"
  [ "$2" = yes ] && echo "disabled=true" >> "$w/config/outbound.ini"
  python3 - "$w/config/tls.ini" "$force" <<'PY'
import sys
p = sys.argv[1]
open(p, "w").write(open(p).read().replace("@FORCE_TLS@", sys.argv[2]))
PY
  for i in 0 1; do echo "${domains[$i]} ${domains[$i]} ${sinks[$i]}:$sink_port"; done > "$w/config/static_routes"
  (in_group relay; cd "$w"; NODE_EXTRA_CA_CERTS=$work/ca.pem exec "$haraka" -c "$w") > "$w/log" 2>&1 &
  relay_pid=$!
  wait_listening haraka "$w/log"
}
# Haraka waits up to 30 s for a graceful stop; the run is over, so it is stopped at once.
haraka_stop() { relay_kill_all; }

# ---- sealpostd ----
sealpost_start() {  # SETTING
  local etc=$work/sp-etc
  # KEEP=1 keeps every run's configuration, spool and logs (sp-etc.1, .2, …) to read later.
  if [ -n "${KEEP:-}" ] && [ -d "$etc" ]; then mv "$etc" "$etc.$(ls -d "$etc".* 2>/dev/null | wc -l)"; fi
  rm -rf "$etc"
  sealpost_config "$etc" "127.0.0.61:${port[sealpost]}" "$1"
  for i in 0 1; do printf '["%s"]\nhosts = ["%s:%s"]\n' "${domains[$i]}" "${sinks[$i]}" "$sink_port"; done > "$etc/smtproutes.toml"
  (in_group relay; exec build/tools/sealpostd --etc "$etc") 2> "$work/sp-stderr" &
  relay_pid=$!
  wait_listening sealpost "$work/sp-stderr"
}
sealpost_stop() { kill "$relay_pid"; wait "$relay_pid" 2>/dev/null || true; relay_pid=; }

relay_start() {  # RELAY SETTING QUEUE_ONLY(yes|no)
  case "$1" in
    postfix) postfix_start "$2" no "$3" ;;
    postfix-reuse) postfix_start "$2" yes "$3" ;;
    exim) exim_start "$2" "$3" ;;
    opensmtpd) opensmtpd_start "$2" ;;  # (no queue-only mode: its sinks stop instead)
    haraka) haraka_start "$2" "$3" ;;
    sealpost) sealpost_start "$2" ;;
  esac
}
relay_stop() {
  case "$1" in postfix | postfix-reuse) postfix_stop ;; *) "$1_stop" ;; esac
}
queue_dir() {
  case "$1" in
    postfix | postfix-reuse) echo "$pf/queue" ;; exim) echo "$work/exim/spool" ;;
    opensmtpd) echo "$work/opensmtpd/var-spool" ;; haraka) echo "$work/haraka/queue" ;; sealpost) echo "$work/sp-etc/spool" ;;
  esac
}

# Each session sends its messages over one connection (-d), as an application submitting to
# its relay does. With a connection per message, smtp-source waits after QUIT for the server
# to close, and Exim (4.94 and later) waits 200 ms for the client to close first: 200 ms per
# message that no real client costs Exim.
inject() {  # ADDRESS PORT TAG: N messages, half to each domain, S sessions each; waits for both
  local pids=() i
  for i in 0 1; do
    (in_group inject; exec smtp-source -d -s "$S" -m $((N / 2)) -l 4096 -N -f bench@client.test -t "$3@${domains[$i]}" "$1:$2") &
    pids+=($!)
  done
  local p
  for p in "${pids[@]}"; do wait "$p" || echo "  (smtp-source failed: its messages will be missing)"; done
}

# One run: inject N over the two domains, wait for every message at the sinks.
run_one() {  # RELAY SETTING ROUND
  local relay=$1 setting=$2 tag="r$RANDOM$RANDOM"
  relay_start "$relay" "$setting" no
  local r0 s0 i0 b0 t0 t1 pss q0 q1 m0 h0
  # Other load: the machine's busy time in one second before the run, when only idle
  # daemons of ours exist (during the run, loopback softirq and writeback are unattributed).
  q0=$(busy_ticks); sleep 1; q1=$(busy_ticks)
  m0=$([ "$SINK" = sealpost ] && sink_messages || echo 0) h0=$(sink_tls)
  r0=$(usage_ns relay) s0=$(usage_ns sinks) i0=$(usage_ns inject) b0=$(busy_ticks) t0=$(date +%s.%N)
  inject "${addr[$relay]}" "${port[$relay]}" "$tag"
  pss=$(pss_kib)
  local got=0
  for _ in $(seq 1200); do got=$(($(sink_messages "$tag") - m0)); [ "$got" -ge "$N" ] && break; sleep 0.1; done
  t1=$(date +%s.%N)
  local r1 s1 i1 b1 hs
  r1=$(usage_ns relay) s1=$(usage_ns sinks) i1=$(usage_ns inject) b1=$(busy_ticks)
  hs=$(($(sink_tls) - h0))
  relay_stop "$relay"
  awk -v relay="$relay" -v setting="$setting" -v pair="$3" -v n="$N" -v got="${got:-0}" -v t0="$t0" -v t1="$t1" \
      -v rc=$((r1 - r0)) -v sc=$((s1 - s0)) -v ic=$((i1 - i0)) -v busy=$((b1 - b0)) -v tck="$tck" -v ncpu="$ncpu" \
      -v hs="${hs:-0}" -v pss="$pss" -v idle_busy=$((q1 - q0)) 'BEGIN {
    wall = t1 - t0; load = idle_busy / tck / ncpu; unattributed = (busy / tck - (rc + sc + ic) / 1e9) / (wall * ncpu)
    printf "%s %s %d %.1f %.3f %.3f %.2f %.1f %s %.0f %d\n", relay, setting, pair, n / wall, rc / 1e9 / n * 1000,
      sc / 1e9 / n * 1000, hs / n, pss / 1024, (got >= n ? "yes" : "LOST:" n - got), load * 100, unattributed * 100 }' >> "$work/runs"
  tail -1 "$work/runs" | awk '{ printf "  %-13s %-15s round %d: %7.1f msgs/s, relay CPU %.3f s/1000, sink CPU %.3f s/1000, TLS sessions/msg %s, PSS %s MiB, arrived %s, other load before %s%%%s, unattributed during %s%%\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ($10 > 10 ? " (FLAGGED)" : ""), $11 }'
}

: > "$work/runs"
echo "N=$N messages of 4 KiB, S=$S sessions per domain, 2 domains, $P interleaved rounds per setting, $ncpu CPUs, sink: $SINK"
echo "relays: $RELAYS"
for setting in $SETTINGS; do
  for round in $(seq "$P"); do
    # Reverse the order every other round, so that no relay always meets a warm or a cold machine.
    order=$RELAYS
    [ $((round % 2)) = 0 ] && order=$(tr ' ' '\n' <<<"$RELAYS" | tac | tr '\n' ' ')
    for relay in $order; do run_one "$relay" "$setting" "$round"; done
  done
done
[ -n "${RESULTS:-}" ] && sed "s/^/$SINK /" "$work/runs" >> "$RESULTS"

echo
echo "| setting | relay | msgs/s (median) | relay CPU s / 1,000 msgs (median) | sink CPU s / 1,000 | TLS sessions per msg | relay PSS MiB | all arrived | flagged runs |"
echo "|---|---|---|---|---|---|---|---|---|"
python3 - "$work/runs" "$RELAYS" <<'PY'
import statistics, sys
runs = [l.split() for l in open(sys.argv[1])]
relays = sys.argv[2].split()
med = statistics.median
out = {}
for setting in dict.fromkeys(r[1] for r in runs):
    for relay in relays:
        rs = [r for r in runs if r[0] == relay and r[1] == setting]
        if not rs: continue
        m = (med([float(r[3]) for r in rs]), med([float(r[4]) for r in rs]), med([float(r[5]) for r in rs]),
             med([float(r[6]) for r in rs]), med([float(r[7]) for r in rs]), all(r[8] == "yes" for r in rs))
        out[(setting, relay)] = m
        flagged = sum(1 for r in rs if float(r[9]) > 10)
        print("| %s | %s | %.0f | %.3f | %.3f | %.2f | %.1f | %s | %d of %d |" % (setting, relay, m[0], m[1], m[2], m[3], m[4], "yes" if m[5] else "NO", flagged, len(rs)))
peers = [r for r in relays if r != "sealpost"]
if "sealpost" in relays and peers:
    print()
    print("Sealpost / peer: msgs/s ratio (higher is Sealpost ahead), relay CPU per message ratio (lower is Sealpost ahead)")
    print()
    print("| setting | " + " | ".join("vs %s: msgs/s, CPU" % p for p in peers) + " |")
    print("|---|" + "---|" * len(peers))
    for setting in dict.fromkeys(r[1] for r in runs):
        s = out.get((setting, "sealpost"))
        cells = []
        for p in peers:
            o = out.get((setting, p))
            cells.append("%.2f×, %.2f×" % (s[0] / o[0], s[1] / o[1]) if s and o and o[0] and o[1] else "–")
        print("| %s | %s |" % (setting, " | ".join(cells)))
PY

# ---- ingest only: the sinks stopped; memory and queue size with the whole run queued ----
echo
echo "Ingest only (sinks stopped with SIGSTOP; Postfix with defer_transports, Exim with queue_only, Haraka with outbound disabled):"
pkill -STOP -f "$(readlink -f "$work/peers")" || true
if [ -n "$sink_pid" ]; then kill -STOP "$sink_pid"; fi
for relay in $RELAYS; do
  [ "$relay" = postfix-reuse ] && continue
  relay_start "$relay" required-verify yes
  r0=$(usage_ns relay) t0=$(date +%s.%N)
  inject "${addr[$relay]}" "${port[$relay]}" ingest
  t1=$(date +%s.%N) r1=$(usage_ns relay)
  sleep 1
  pss=$(pss_kib)
  bytes=$(du -sb "$(queue_dir "$relay")" 2>/dev/null | cut -f1 || true)  # files move while du reads
  awk -v relay="$relay" -v n="$N" -v t0="$t0" -v t1="$t1" -v rc=$((r1 - r0)) -v b="$bytes" -v pss="$pss" \
    'BEGIN { printf "  %-10s %6.0f msgs/s accepted, relay CPU %.3f s / 1,000, queue %.0f bytes per message (4 KiB body), relay PSS %.1f MiB with %d queued\n", relay, n / (t1 - t0), rc / 1e9 / n * 1000, b / n, pss / 1024, n }'
  if [ "$relay" = postfix ]; then postfix_stop; else relay_kill_all; fi
done
pkill -CONT -f "$(readlink -f "$work/peers")" || true
if [ -n "$sink_pid" ]; then kill -CONT "$sink_pid"; fi
