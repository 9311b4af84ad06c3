#!/usr/bin/env bash
# Running sealpostd as servers are run, with real peers on loopback only: swaks → sealpostd →
# smtp-sink on 127.0.0.70 (an SMTP route).
# - Privileges: started as root with [server] user = "nobody", it listens on a privileged port
#   too, then runs as nobody (uid, gid and no supplementary groups, from /proc), owns the spool
#   (a file root left there included), delivers, answers `sealpost status`, and reopens its
#   rotated logs on SIGUSR1; without a user it refuses to start as root.
# - Metrics ([metrics] listen): the text passes `promtool check metrics`; a real Prometheus
#   started here scrapes it and its query API returns sealpost_messages_delivered_total equal
#   to the messages the sink received.
# - Alerts ([alerts] recipients): a required-verify destination routed to the Postfix peer
#   with an expired certificate (fixture `smtp`) fails attempt after attempt; exactly one
#   alert, naming domain, host, stage and reason, reaches the sink within the rate limit. An
#   expired trust anchor brought by a reload: one alert naming it, not repeated that day.
# Usage: relay-ops-e2e.sh SEALPOSTD SEALPOST PKI_DIR   (SEALPOST_TEST_SMTP set by ctest)
set -uo pipefail
sealpostd=$1 sealpost=$2 pki=$3
. "$SEALPOST_TEST_SMTP/peers.env"
work=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
prom_pid=
trap '[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null; cleanup' EXIT
port=$(free_port 127.0.0.1)
mport=$(free_port 127.0.0.1)
no_dns=$(free_port 127.0.0.2)  # routes only: PTR lookups go here and are refused at once
sp=$(free_port 127.0.0.70)
low=25  # a privileged port: only root binds it
while (exec 3<>"/dev/tcp/127.0.0.71/$low") 2>/dev/null; do low=$((low + 1)); done
mkdir -p "$work/etc" "$work/log" "$work/etc/spool/queue"
chmod 755 "$work" && chown nobody "$work/log"  # the package makes /var/log/sealpost the user's
touch "$work/etc/spool/queue/left-by-root"
chown nobody:nogroup "$work/etc/spool"  # the top already the user's (as the package makes it); queue/ root's
mkdir -p "$work/etc/trust" && cp "$pki/ca-bundle.pem" "$work/etc/trust/test-ca.pem"
write_config() {  # USER-LINE
  cat > "$work/etc/sealpost.toml" <<CF
[server]
hostname = "relay.sealpost.test"
listen = ["127.0.0.1:$port", "127.0.0.71:$low"]
$1
[spool]
directory = "spool"
[dns]
servers = ["127.0.0.2:$no_dns"]
[delivery]
retry_seconds = [1]
[trust]
system_bundle = false
[log]
file = "../log/relay.log"
outcome_file = "../log/outcome.jsonl"
[metrics]
listen = "127.0.0.1:$mport"
[alerts]
recipients = ["postmaster@ops.test"]
CF
}
printf '[default]\ntls = "preferred"\n["alert.test"]\ntls = "required-verify"\n' > "$work/etc/destconfig.toml"
printf '["ops.test"]\nhosts = ["127.0.0.70:%s"]\n["alert.test"]\nhosts = ["127.0.0.34:%s"]\n' "$sp" "$SMTP_PORT" \
  > "$work/etc/smtproutes.toml"
log=$work/log/relay.log
metrics() { curl -sS --max-time 5 "http://127.0.0.1:$mport/metrics"; }

write_config ""
"$sealpostd" --etc "$work/etc" > "$work/refused.out" 2>&1
rc=$?
check "no [server] user, started as root: refused (exit 2), nothing bound" bash -c \
  '[ "$3" = 2 ] && grep -q "refusing to run as root: set \[server\] user" "$1" && ! (exec 3<>"/dev/tcp/127.0.0.1/$2")' \
  _ "$work/refused.out" "$port" "$rc"
write_config 'user = "nosuchuser"'
"$sealpostd" --etc "$work/etc" > "$work/refused.out" 2>&1
check "a user that does not exist: refused, named" grep -q "\[server\] user 'nosuchuser': no such user" "$work/refused.out"

write_config 'user = "nobody"'
sink 127.0.0.70 "$sp" "$work/sink"
start
check "started as root, working as nobody: uid, gid, no supplementary groups (/proc)" bash -c '
  s=/proc/$1/status
  grep -qP "^Uid:\t65534\t65534\t65534\t65534$" $s && grep -qP "^Gid:\t65534\t65534\t65534\t65534$" $s &&
  grep -qP "^Groups:\s*$" $s' _ "$pid"
check "the log says whom it works as" wait_log 'working as user nobody \(uid 65534, gid 65534\)'
check "listening on privileged port $low of 127.0.0.71" bash -c '(exec 3<>"/dev/tcp/127.0.0.71/$1")' _ "$low"
n=5
send "rcpt1@ops.test" --server "127.0.0.71:$low" > /dev/null
for i in $(seq 2 $n); do send "rcpt$i@ops.test" > /dev/null; done
check "$n messages delivered to the sink" wait_count 'to=<rcpt[0-9]@ops.test> .* status=sent' $n
for _ in $(seq 600); do [ "$(ls "$work/sink" | wc -l)" -ge $n ] && break; sleep 0.05; done
received=$(ls "$work/sink" | wc -l)
check "the sink received $n messages (one through port $low)" test "$received" -eq $n
check "the spool is nobody's, 0700, what root left there included" bash -c \
  '[ -z "$(find "$1" ! -user nobody)" ] && [ "$(stat -c %a "$1")" = 700 ] && [ -e "$1/queue/left-by-root" ]' _ "$work/etc/spool"
check "sealpost status answers (root, over the socket nobody owns)" bash -c \
  '"$1" --etc "$2" status | grep -q "^counters: .*sent=$3"' _ "$sealpost" "$work/etc" "$n"
chown root:root "$work/etc/spool/queue"
out=$(send "unwritable@ops.test")
chown nobody:nogroup "$work/etc/spool/queue"
check "a spool the user cannot write: 451 and the error logged, never a dropped connection" bash -c '
  grep -q "451 4.3.0" <<<"$1" && grep -q "221 " <<<"$1"' _ "$out"
check "… logged with the path" wait_log 'error\] spool: .*/queue/.*: cannot create: Permission denied'
mv "$log" "$log.1" && mv "$work/log/outcome.jsonl" "$work/log/outcome.jsonl.1"
kill -USR1 "$pid"
check "SIGUSR1: the rotated human log reopened as nobody" wait_log 'log files reopened'
send "after-rotate@ops.test" > /dev/null
check "… and the next delivery's lines and outcome go to the new files" bash -c '
  for _ in $(seq 600); do grep -q "to=<after-rotate@ops.test>.*status=sent" "$1" 2>/dev/null && break; sleep 0.05; done
  grep -q "to=<after-rotate@ops.test>.*status=sent" "$1" && grep -q "\"recipient_domain\":\"ops.test\"" "$2" &&
  [ "$(stat -c %U "$1")" = nobody ]' _ "$log" "$work/log/outcome.jsonl"
n=$((n + 1))
for _ in $(seq 600); do [ "$(ls "$work/sink" | wc -l)" -ge $n ] && break; sleep 0.05; done
received=$(ls "$work/sink" | wc -l)

metrics > "$work/metrics.txt"
check "GET /metrics: Prometheus text (HELP and TYPE lines)" grep -q '^# TYPE sealpost_messages_delivered_total counter$' "$work/metrics.txt"
check "promtool check metrics accepts it" bash -c 'promtool check metrics < "$1"' _ "$work/metrics.txt"
check "messages queued and delivered = $n" bash -c \
  'grep -qx "sealpost_messages_queued_total $2" "$1" && grep -qx "sealpost_messages_delivered_total $2" "$1"' _ "$work/metrics.txt" "$n"
check "recipients sent, TLS outcomes by setting and result, spool commits (the failed one too)" bash -c '
  grep -qx "sealpost_recipients_total{result=\"sent\"} $2" "$1" &&
  grep -qx "sealpost_tls_connections_total{setting=\"preferred\",result=\"plaintext\"} [0-9]*" "$1" &&
  grep -qx "sealpost_spool_commit_seconds_count $(($2 + 1))" "$1" &&
  grep -qx "sealpost_queue_messages 0" "$1" && grep -qx "sealpost_queue_oldest_message_age_seconds 0" "$1"' \
  _ "$work/metrics.txt" "$n"
check "curl sees 404 off /metrics" bash -c '[ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$1/")" = 404 ]' _ "$mport"

# A real Prometheus scrapes the endpoint; its HTTP API answers the query.
pport=$(free_port 127.0.0.1)
cat > "$work/prometheus.yml" <<CF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: sealpost
    static_configs:
      - targets: ["127.0.0.1:$mport"]
CF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
  --web.listen-address="127.0.0.1:$pport" > "$work/prometheus.log" 2>&1 &
prom_pid=$!
query() {  # EXPR: the value of an instant query, or nothing
  curl -sS --max-time 5 "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null
}
scraped() {
  for _ in $(seq 600); do [ "$(query "$1")" = "$2" ] && return 0; sleep 0.1; done
  echo "  $1 = '$(query "$1")', not $2"; tail -3 "$work/prometheus.log"; return 1
}
check "Prometheus scraped it: up = 1" scraped 'up{job="sealpost"}' 1
check "Prometheus: sealpost_messages_delivered_total = $received (what the sink received)" \
  scraped 'sealpost_messages_delivered_total' "$received"
kill "$prom_pid"; wait "$prom_pid" 2>/dev/null; prom_pid=

# Alerts: two messages to a required-verify destination whose only host has an expired
# certificate, retried every second; one alert within the hour.
send rcpt1@alert.test > /dev/null
send rcpt2@alert.test > /dev/null
check "required-verify, expired certificate: deferred, attempt after attempt" \
  wait_count 'to=<rcpt[12]@alert.test> .* status=deferred' 6 20
check "the log names the alert" wait_log 'mandatory TLS failed for alert.test at chain; alert [0-9A-F]{16} queued to 1 recipient'
alerts_in_sink() { grep -l "^Subject: Sealpost alert: mandatory TLS failed for alert.test" "$work/sink"/* 2>/dev/null | wc -l; }
for _ in $(seq 600); do [ "$(alerts_in_sink)" -ge 1 ] && break; sleep 0.05; done
check "exactly one alert reached the sink" test "$(alerts_in_sink)" -eq 1
alert=$(grep -l "^Subject: Sealpost alert" "$work/sink"/* | head -1)
check "… naming domain, host, stage and reason" bash -c '
  grep -q "destination: alert.test (destconfig entry alert.test, tls = required-verify)" "$1" &&
  grep -q "host:        127.0.0.34 \[127.0.0.34\]:$2" "$1" && grep -q "stage:       chain" "$1" &&
  grep -q "failure:     certificate-expired" "$1" && grep -qi "reason:      .*expired" "$1"' _ "$alert" "$SMTP_PORT"
# An expired anchor arrives with a reload: one alert naming it, not repeated within the day.
cp "$pki/expired-intermediate.pem" "$work/etc/trust/old-ca.pem"
"$sealpost" --etc "$work/etc" reload > /dev/null
check "a reload brings an expired anchor: an alert names it" wait_log 'trust anchors expired or expiring; alert [0-9A-F]{16} queued'
anchor_alerts() { grep -l "^Subject: Sealpost alert: trust anchors expired or expiring" "$work/sink"/* 2>/dev/null | wc -l; }
for _ in $(seq 600); do [ "$(anchor_alerts)" -ge 1 ] && break; sleep 0.05; done
"$sealpost" --etc "$work/etc" reload > /dev/null
sleep 1.5  # a tick after the second reload looks at the anchors again
check "… exactly one in the sink, with the file and the date" bash -c '[ "$1" -eq 1 ] &&
  grep -q "trust/old-ca.pem: .*Expired Intermediate CA.* expired on 2020-01-31" $(grep -l "trust anchors expired" "$2"/*)' \
  _ "$(anchor_alerts)" "$work/sink"
check "metrics: sealpost_alerts_queued_total 2 (one TLS failure, one anchor)" bash -c 'curl -s "http://127.0.0.1:$1/metrics" | grep -qx "sealpost_alerts_queued_total 2"' \
  _ "$mport"

kill "$pid"; wait "$pid" 2>/dev/null; pid=
finish
