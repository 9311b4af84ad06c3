#!/usr/bin/env bash
# The relays at scale (issue 17): N=100,000 messages of 4 KiB to 1,000 destination domains,
# injected by 50 concurrent sessions, delivered by MX lookup. A local nsd on 127.0.0.67:53
# serves the zone scale.test: d0001 … d1000.scale.test, each with one MX (mx1 or mx2.scale.test,
# alternately) whose A record is a bench/smtp_sink listener on port 25 of 127.0.0.62 or .63
# (STARTTLS with the test certificates, discarding at end of DATA: the sink is not the bound).
# Every relay runs in a mount namespace of its own whose /etc/resolv.conf names that nsd, so
# that each does its own DNS as it would in production (Postfix, Exim and OpenSMTPD through
# the C library's or libasr's stub resolver, Haraka through Node's c-ares, Sealpost through
# its c-ares resolver) without the machine's resolver changing. TLS setting: preferred
# (opportunistic STARTTLS; the sinks' names are not the MX names, so verification would fail
# for every relay alike, and the issue asks here for queue, DNS and concurrency).
# Two phases per relay, one after the other (RELAYS, in that order):
#   delivery: 1,000 injections of N/1,000 messages each (smtp-source -d, one domain per
#             session), 50 at a time; messages/s from the first injection to the last message
#             the sinks accepted; relay CPU per 1,000 messages (its cgroup); TLS sessions per
#             message (the sinks' count); relay PSS at the end of injection.
#   queued:   the sinks stopped (SIGSTOP), the relay holding deliveries where it can (Postfix
#             defer_transports, Exim queue_only, Haraka outbound disabled; OpenSMTPD and
#             Sealpost keep trying the stopped sinks), the same N injected: relay PSS with N
#             queued, and per queued message; the queue's bytes on disk per message.
# The relays' configurations are those of bench/relay-vs-peers.sh with MX routing instead of
# static routes (bench/peers/). Usage: bench/relay-scale.sh
#   (N=100000 RELAYS="sealpost postfix haraka exim opensmtpd" KEEP=1 SEALPOSTD=path)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000} RELAYS=${RELAYS:-"sealpost postfix haraka exim opensmtpd"}
sealpostd=$(readlink -f "${SEALPOSTD:-build/tools/sealpostd}")  # another build's, to compare two versions
DOMAINS=1000 SESSIONS=50
bash scripts/build.sh release > /dev/null
peers=$(bash bench/peers/install.sh "${PEERS_DIR:-/var/cache/sealpost/bench-peers}")
exim=$peers/root/usr/sbin/exim4 smtpd=$peers/root/usr/sbin/smtpd haraka=$peers/haraka/node_modules/.bin/haraka
root=$PWD
work=$(mktemp -d /tmp/sealpost-scale.XXXXXX)
chmod 755 "$work"
cgp=sealpost-scale
. bench/relay-lib.sh
sink_pid=
cleanup() {
  relay_kill_all
  [ -n "$sink_pid" ] && kill -CONT "$sink_pid" 2>/dev/null && kill "$sink_pid" 2>/dev/null || true
  [ -f "$work/nsd/nsd.pid" ] && kill "$(cat "$work/nsd/nsd.pid")" 2>/dev/null || true
  cg_remove
  if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cg_create
for a in 127.0.0.62:25 127.0.0.63:25 127.0.0.67:53; do
  if (exec 3<>"/dev/tcp/${a%:*}/${a#*:}") 2>/dev/null; then echo "$a is taken: the scale run needs it"; exit 1; fi
done

bash tests/pki/make-test-pki.sh "$work/pki" > /dev/null
cp "$work/pki/ca-bundle.pem" "$work/ca.pem" && chmod 644 "$work/ca.pem"

# ---- DNS: nsd with the 1,000 domains; the resolv.conf the relays see ----
mkdir -p "$work/nsd"
{
  printf '$TTL 3600\n@ SOA ns.scale.test. hostmaster.scale.test. 1 3600 600 86400 3600\n@ NS ns.scale.test.\n'
  printf 'ns A 127.0.0.67\nmx1 A 127.0.0.62\nmx2 A 127.0.0.63\n'
  for i in $(seq 1 "$DOMAINS"); do printf 'd%04d MX 10 mx%d.scale.test.\n' "$i" $((1 + i % 2)); done
} > "$work/nsd/scale.test.zone"
# The sinks' PTR records (Sealpost looks them up for its reference identities) and the
# client's (Haraka looks it up), so that no lookup waits for a refusal.
printf '$TTL 3600\n@ SOA ns.scale.test. hostmaster.scale.test. 1 3600 600 86400 3600\n@ NS ns.scale.test.\n1 PTR localhost.\n62 PTR mx1.scale.test.\n63 PTR mx2.scale.test.\n' \
  > "$work/nsd/reverse.zone"
cat > "$work/nsd/nsd.conf" <<CF
server:
  ip-address: 127.0.0.67
  port: 53
  username: ""
  chroot: ""
  database: ""
  zonesdir: "$work/nsd"
  pidfile: "$work/nsd/nsd.pid"
  logfile: "$work/nsd/nsd.log"
  xfrdfile: "$work/nsd/xfrd.state"
  zonelistfile: "$work/nsd/zone.list"
  server-count: 1
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: scale.test
  zonefile: scale.test.zone
zone:
  name: 0.0.127.in-addr.arpa
  zonefile: reverse.zone
CF
(in_group sinks; exec nsd -c "$work/nsd/nsd.conf")
printf 'nameserver 127.0.0.67\noptions attempts:2 timeout:2\n' > "$work/resolv.conf"
printf '127.0.0.1 localhost\n' > "$work/hosts"
for _ in $(seq 100); do [ -s "$work/nsd/nsd.pid" ] && break; sleep 0.05; done

# ---- the sinks on port 25 ----
(in_group sinks; exec build/bench/smtp_sink "$work/sink-count" \
   "127.0.0.62:25=$work/pki/mail-wildcard-chain.pem,$work/pki/mail-wildcard.key" \
   "127.0.0.63:25=$work/pki/mail-cn-only-chain.pem,$work/pki/mail-cn-only.key") 2> "$work/sink-stderr" &
sink_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.63/25") 2>/dev/null && break; sleep 0.05; done
sink_line() { sed -n "$1p" "$work/sink-count" 2>/dev/null || echo 0; }

# Runs a command in a mount namespace whose resolv.conf is the test nsd's (and whose hosts
# file knows only localhost), plus any "SOURCE:TARGET" bind mounts given before "--".
in_ns() {
  local binds=("$work/resolv.conf:/etc/resolv.conf" "$work/hosts:/etc/hosts")
  while [ "$1" != -- ]; do binds+=("$1"); shift; done
  shift
  local script="" b
  for b in "${binds[@]}"; do script+="mount --bind '${b%%:*}' '${b#*:}' && "; done
  exec unshare -m bash -c "$script exec \"\$@\"" _ "$@"
}
declare -A addr=([postfix]=127.0.0.60 [sealpost]=127.0.0.61 [exim]=127.0.0.64 [opensmtpd]=127.0.0.65 [haraka]=127.0.0.66)
port=2525
wait_listening() {
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/${addr[$1]}/$port") 2>/dev/null && return 0; sleep 0.05; done
  echo "$1 did not start"; tail -20 "$2"; exit 1
}

start_relay() {  # RELAY HOLD(yes|no)
  local w=$work/$1
  rm -rf "$w"; mkdir -p "$w"
  case "$1" in
    sealpost)
      sealpost_config "$w" "127.0.0.61:$port" preferred no
      : > "$w/smtproutes.toml"
      (in_group relay; in_ns -- "$sealpostd" --etc "$w") 2> "$w/stderr" &
      relay_pid=$!; wait_listening sealpost "$w/stderr" ;;
    postfix)
      mkdir -p "$w/queue" "$w/data"; chown postfix "$w/data"
      postfix_main_cf "$w" may yes "$2" "scale.test, .scale.test"
      sed -n '/^cleanup/,$p' /etc/postfix/master.cf > "$w/master.cf.tail"
      { echo "127.0.0.60:$port inet n - n - - smtpd"; cat "$w/master.cf.tail"; } > "$w/master.cf"
      grep -q '^tlsproxy' "$w/master.cf" || echo "tlsproxy  unix - - n - 0 tlsproxy" >> "$w/master.cf"
      sed -i 's/^\(\S\+\s\+\S\+\s\+\S\+\s\+\S\+\s\+\)y\(\s\)/\1n\2/' "$w/master.cf"  # no chroot: the namespace's resolv.conf
      (in_group relay; in_ns -- script -qec "postfix -c '$w' start" /dev/null) > "$w/start.log" 2>&1 || { cat "$w/start.log"; exit 1; }
      wait_listening postfix "$w/maillog" ;;
    exim)
      mkdir -p "$w/spool" "$w/log"; chown -R Debian-exim "$w"
      local args=(-C "$root/bench/peers/exim4.conf" -DEXIM_BIN="$exim" -DWORK_DIR="$w" -DIN_ADDR=127.0.0.64
        -DIN_PORT="$port" -DOUT_PORT=25 -DCA_FILE="$work/ca.pem" "-DRELAY_DOMAINS=*.scale.test" -DBY_MX -DTLS_PREFERRED)
      [ "$2" = yes ] && args+=(-DQUEUE_ONLY)
      (in_group relay; in_ns -- "$exim" "${args[@]}" -bdf -q5m) > "$w/stderr" 2>&1 &
      relay_pid=$!; wait_listening exim "$w/stderr" ;;
    opensmtpd)
      mkdir -p "$w/var-spool" "$w/run" "$w/var-lib/opensmtpd/empty"
      sed -e "s|@WORK@|$w|g; s|@IN@|127.0.0.65|; s|@PORT@|$port|" -e 's|^action "relay" relay domain <routes>|action "relay" relay|' \
        -e 's|^table routes .*||' -e 's|^table relay_domains .*||' \
        -e 's|^match from src 127.0.0.0/8 for domain <relay_domains>|match from src 127.0.0.0/8 for any|' \
        "$root/bench/peers/smtpd.conf" > "$w/smtpd.conf"
      (in_group relay; in_ns "$w/var-spool:/var/spool" "$w/run:/run" "$w/var-lib:/var/lib" \
         "$work/ca.pem:/etc/ssl/certs/ca-certificates.crt" -- "$smtpd" -d -f "$w/smtpd.conf") > "$w/log" 2>&1 &
      relay_pid=$!; wait_listening opensmtpd "$w/log" ;;
    haraka)
      rm -rf "$w"; "$haraka" -i "$w" > /dev/null 2>&1
      cp -a "$root/bench/peers/haraka/." "$w/"
      sed -i '/^static_route$/d' "$w/config/plugins"   # MX lookups, Haraka's own
      sed -i "s|@LISTEN@|127.0.0.66:$port|" "$w/config/smtp.ini"
      sed -i "s|@ENABLE_TLS@|true|" "$w/config/outbound.ini"
      [ "$2" = yes ] && echo "disabled=true" >> "$w/config/outbound.ini"
      sed -i "s|^@FORCE_TLS@||" "$w/config/tls.ini"
      (in_group relay; cd "$w"; export NODE_EXTRA_CA_CERTS=$work/ca.pem; in_ns -- "$haraka" -c "$w") > "$w/log" 2>&1 &
      relay_pid=$!; wait_listening haraka "$w/log" ;;
  esac
}
stop_relay() {  # RELAY
  if [ "$1" = postfix ]; then script -qec "postfix -c '$work/postfix' stop" /dev/null > /dev/null 2>&1 || true; sleep 0.5; fi
  relay_kill_all
}
queue_dir() {
  case "$1" in
    postfix) echo "$work/postfix/queue" ;; exim) echo "$work/exim/spool" ;; opensmtpd) echo "$work/opensmtpd/var-spool" ;;
    haraka) echo "$work/haraka/queue" ;; sealpost) echo "$work/sealpost/spool" ;;
  esac
}

# 1,000 injections, one per domain, N/1,000 messages each over one connection, 50 at a time.
inject() {  # RELAY TAG
  seq 1 "$DOMAINS" | (in_group inject; exec xargs -P "$SESSIONS" -I{} sh -c \
    'exec smtp-source -d -s 1 -m "$1" -l 4096 -N -f bench@client.test -t "$2@d$(printf %04d "$3").scale.test" "$4:$5"' \
    _ $((N / DOMAINS)) "$2" {} "${addr[$1]}" "$port") || echo "  (an injection failed: its messages will be missing)"
}

echo "N=$N messages of 4 KiB to $DOMAINS domains by MX (nsd), $SESSIONS injecting sessions, TLS preferred, $(nproc) CPUs, sink: bench/smtp_sink"
echo "| relay | msgs/s | relay CPU s / 1,000 | TLS sessions per msg | relay PSS MiB while delivering | all arrived | relay PSS MiB with N queued | KiB per queued msg (memory) | queue bytes per msg (disk) |"
echo "|---|---|---|---|---|---|---|---|---|"
for relay in $RELAYS; do
  # delivery
  start_relay "$relay" no
  m0=$(sink_line 1) h0=$(sink_line 2) r0=$(usage_ns relay) t0=$(date +%s.%N)
  inject "$relay" "s$RANDOM"
  pss=$(pss_kib)
  got=0
  for _ in $(seq 36000); do got=$(($(sink_line 1) - m0)); [ "$got" -ge "$N" ] && break; sleep 0.1; done
  t1=$(date +%s.%N) r1=$(usage_ns relay) hs=$(($(sink_line 2) - h0))
  stop_relay "$relay"
  # queued
  kill -STOP "$sink_pid"
  start_relay "$relay" yes
  inject "$relay" q
  sleep 2
  qpss=$(pss_kib)
  bytes=$(du -sb "$(queue_dir "$relay")" 2>/dev/null | cut -f1 || true)
  stop_relay "$relay"
  kill -CONT "$sink_pid"
  awk -v relay="$relay" -v n="$N" -v got="$got" -v t0="$t0" -v t1="$t1" -v rc=$((r1 - r0)) -v hs="$hs" -v pss="$pss" \
      -v qpss="$qpss" -v b="${bytes:-0}" 'BEGIN {
    printf "| %s | %.0f | %.3f | %.3f | %.1f | %s | %.1f | %.2f | %.0f |\n", relay, n / (t1 - t0), rc / 1e9 / n * 1000, hs / n,
      pss / 1024, (got >= n ? "yes" : "LOST " n - got), qpss / 1024, qpss / n, b / n }'
done
