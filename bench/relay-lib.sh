# Shared by bench/relay-vs-peers.sh and bench/relay-scale.sh (sourced, not run): CPU
# accounting by cpuacct cgroup, the relay's memory, stopping every process of the relay, and
# the configurations of the two relays both scripts start the same way (Sealpost, Postfix).
# The caller sets `work` (its directory) and `cgp` (the prefix of its cgroups) first.
cg=/sys/fs/cgroup/cpuacct
relay_pid=
cg_create() { local g; for g in relay sinks inject; do mkdir -p "$cg/$cgp-$g"; done; }
cg_remove() {  # moves anything left back to the root group, then removes the groups
  local g
  for g in relay sinks inject; do
    [ -d "$cg/$cgp-$g" ] || continue
    cat "$cg/$cgp-$g/cgroup.procs" 2>/dev/null | while read -r p; do echo "$p" > "$cg/cgroup.procs" 2>/dev/null || true; done
    rmdir "$cg/$cgp-$g" 2>/dev/null || true
  done
}
usage_ns() { cat "$cg/$cgp-$1/cpuacct.usage"; }
in_group() { echo "$BASHPID" > "$cg/$cgp-$1/cgroup.procs"; }  # the calling (sub)shell
pss_kib() {  # PSS summed over the relay group's processes
  local sum=0 p v
  for p in $(cat "$cg/$cgp-relay/cgroup.procs"); do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}
# Every process of the relay under test (daemons, forked deliveries, workers), by cgroup.
relay_kill_all() {
  local p
  for p in $(cat "$cg/$cgp-relay/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
  [ -n "$relay_pid" ] && { wait "$relay_pid" 2>/dev/null || true; }
  relay_pid=
}

# sealpostd's configuration in DIR (trusting $work/ca.pem only), listening on ADDRESS:PORT,
# every destination with the TLS SETTING, the outcome log on unless the fourth argument is
# "no" (as each script was measured); smtproutes.toml is the caller's.
sealpost_config() {  # DIR ADDRESS:PORT SETTING [OUTCOME_LOG]
  mkdir -p "$1/trust"
  cp "$work/ca.pem" "$1/trust/test-ca.pem"
  cat > "$1/sealpost.toml" <<CF
[server]
user = "root"                              # the benchmark runs as root
hostname = "relay.sealpost.test"
listen = ["$2"]
max_connections = 200
[spool]
directory = "spool"
[delivery]
retry_seconds = [60]
[trust]
system_bundle = false
[log]
file = "relay.log"
CF
  [ "${4:-yes}" = no ] || echo 'outcome_file = "outcome.jsonl"' >> "$1/sealpost.toml"
  printf '[default]\ntls = "%s"\n' "$3" > "$1/destconfig.toml"
}

# An isolated Postfix relay's main.cf in DIR (queue and data there): relaying from loopback
# to RELAY_DOMAINS with smtp_tls_security_level LEVEL, the test CA, the TLS session cache,
# smtp_tls_connection_reuse REUSE (yes|no), deliveries held when DEFER is yes. The caller
# appends its routing and writes master.cf.
postfix_main_cf() {  # DIR LEVEL REUSE DEFER RELAY_DOMAINS
  cat > "$1/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $1/queue
data_directory = $1/data
mail_owner = postfix
inet_interfaces = all
inet_protocols = ipv4
myhostname = relay.postfix.test
mydestination =
local_recipient_maps =
relay_domains = $5
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_tls_security_level = $2
smtp_tls_CAfile = $work/ca.pem
smtp_tls_session_cache_database = btree:$1/data/smtp_scache
smtp_tls_connection_reuse = $3
smtp_tls_loglevel = 1
default_destination_concurrency_limit = 20
in_flow_delay = 0
smtputf8_enable = no
alias_maps =
alias_database =
maillog_file = $1/maillog
maillog_file_prefixes = $1
defer_transports = $([ "$4" = yes ] && echo smtp)
CF
}
