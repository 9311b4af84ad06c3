# Shared by the relay end-to-end scripts: checks, a free port, starting sealpostd on a
# configuration directory, swaks as the client, waiting for a log line, and smtp-sink peers
# on loopback addresses the scripts choose. Everything started is stopped by PID on exit.
# Callers set: sealpostd, work (a temporary directory), port (the relay's listener).
failures=0 checks=0 pid= sink_pids=()
check() {  # DESCRIPTION COMMAND…
  checks=$((checks + 1))
  if "${@:2}"; then echo "ok   $1"; else echo "FAIL $1"; failures=$((failures + 1)); fi
}
finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  for p in "${sink_pids[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
free_port() {  # ADDRESS: prints a port nothing listens on there
  # Below the kernel's ephemeral range: a daemon restarted on its port (relay_crash) must not
  # find it taken by some outgoing connection's local port, or by a client's self-connect.
  local low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  local p=$((10000 + RANDOM % (low - 10000)))
  while (exec 3<>"/dev/tcp/$1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
start() {  # starts sealpostd on $work/etc and waits for its listener
  "$sealpostd" --etc "$work/etc" 2>> "$work/stderr" &
  pid=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0; sleep 0.05; done
  echo "sealpostd did not start:"; cat "$work/stderr"; exit 1
}
send() {  # TO [swaks args…]
  swaks --server "127.0.0.1:$port" --from sender@client.test --to "$1" --header "Subject: e2e $1" "${@:2}" 2>&1
}
log=
wait_log() {  # PATTERN [SECONDS]: waits until the human log has a matching line
  for _ in $(seq $((${2:-10} * 20))); do grep -qE "$1" "$log" 2>/dev/null && return 0; sleep 0.05; done
  echo "  no log line matching: $1"; tail -5 "$log"; return 1
}
count_log() { grep -cE "$1" "$log" 2>/dev/null; }
wait_count() {  # PATTERN N [SECONDS]: waits until N lines match
  for _ in $(seq $((${3:-10} * 20))); do [ "$(count_log "$1")" -ge "$2" ] && return 0; sleep 0.05; done
  echo "  fewer than $2 log lines matching: $1"; return 1
}
sink() {  # ADDRESS PORT DIR [smtp-sink options…]: a sink saving what it accepts in DIR
  chmod 755 "$work"; mkdir -p "$3"; chown nobody "$3"  # smtp-sink runs as nobody
  smtp-sink -u nobody -d "$3/%M." "${@:4}" "$1:$2" 100 >> "$work/sink.log" 2>&1 &
  sink_pids+=($!)
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.05; done
  echo "smtp-sink on $1:$2 did not start"; exit 1
}
nsd_conf() {  # DIR PORT NAME:FILE…: nsd.conf in DIR for 127.0.0.1@PORT, serving each zone NAME from DIR/FILE
  local dir=$1 p=$2 z
  shift 2
  {
    printf 'server:\n  ip-address: 127.0.0.1@%s\n  port: %s\n  username: ""\n  chroot: ""\n  database: ""\n' "$p" "$p"
    printf '  zonesdir: "%s"\n  pidfile: "%s/nsd.pid"\n  logfile: "%s/nsd.log"\n' "$dir" "$dir" "$dir"
    printf '  xfrdfile: "%s/xfrd.state"\n  zonelistfile: "%s/zone.list"\n  server-count: 1\n  rrl-ratelimit: 0\n' "$dir" "$dir"
    printf 'remote-control:\n  control-enable: no\n'
    for z in "$@"; do printf 'zone:\n  name: %s\n  zonefile: %s\n' "${z%%:*}" "${z#*:}"; done
  } > "$dir/nsd.conf"
}
policy_server() {  # DIR: the MTA-STS policy server (tests/sts/policy_server.py) on 127.0.0.50 serving
  # DIR's policies with the test PKI ($pki); sets sts_port
  sts_port=$(free_port 127.0.0.50)
  python3 "$(dirname "${BASH_SOURCE[0]}")/../sts/policy_server.py" 127.0.0.50 "$sts_port" "$pki" "$work/sts.pid" "$1" \
    2>> "$work/sts.log" &
  sink_pids+=($!)
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.50/$sts_port") 2>/dev/null && return 0; sleep 0.05; done
  echo "the policy server on 127.0.0.50:$sts_port did not start"; exit 1
}
outputs() {  # PATTERN COMMAND…: the command's output (stdout and stderr) matches PATTERN
  "${@:2}" 2>&1 | grep -qE -- "$1"
}
