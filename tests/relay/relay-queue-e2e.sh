#!/usr/bin/env bash
# End to end through the relay daemon: the queue's life, with real peers on loopback only —
# swaks → sealpostd → smtp-sink peers this script starts on 127.0.0.43–.47 (SMTP routes).
# Checks: DSN bounces for a 5xx recipient and for expiry, with the reason and the returned
# headers, and none for a null sender (RFC 3464, RFC 3461 §6.2); defer then deliver when a
# peer comes up; `sealpost queue` list/show/hold/release/flush/delete; reload by `sealpost
# reload` and SIGHUP — queued mail meets the new policy, a bad file is refused and the old
# configuration kept; `sealpost status`; one daemon per spool; SIGTERM keeps the queue.
# Usage: relay-queue-e2e.sh SEALPOSTD SEALPOST
set -uo pipefail
sealpostd=$1 sealpost=$2
work=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
trap cleanup EXIT
port=$(free_port 127.0.0.1)
no_dns=$(free_port 127.0.0.2)  # routes to loopback only: PTR lookups go here and are refused
sp=$(free_port 127.0.0.43)  # one port for every sink address
mkdir -p "$work/etc"
write_config() {  # LIFETIME_SECONDS
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
lifetime_seconds = $1
[trust]
system_bundle = false
[log]
file = "relay.log"
outcome_file = "outcome.jsonl"
CF
}
write_destconfig() {  # SETTING of reload.test
  printf '[default]\ntls = "preferred"\n["reload.test"]\ntls = "%s"\n["split.test"]\nmax-recipients-per-message = 2\n' "$1" \
    > "$work/etc/destconfig.toml"
}
write_config 3600
write_destconfig preferred
cat > "$work/etc/smtproutes.toml" <<CF
["client.test"]
hosts = ["127.0.0.44:$sp"]
["reject.test"]
hosts = ["127.0.0.43:$sp"]
["later.test"]
hosts = ["127.0.0.45:$sp"]
["split.test"]
hosts = ["127.0.0.45:$sp"]
["reload.test"]
hosts = ["127.0.0.46:$sp"]
["never.test"]
hosts = ["127.0.0.47:$sp"]
CF
log=$work/etc/relay.log
q() { "$sealpost" --etc "$work/etc" "$@"; }
id_of() { grep -oE "[0-9A-F]{16}: to=<$1>" "$log" | head -1 | cut -c1-16; }
dsn_with() {  # PATTERN…: a DSN in the bounce sink contains every pattern
  for f in "$work/bounces"/*; do
    [ -f "$f" ] || continue
    local all=1
    for p in "$@"; do grep -qF -- "$p" "$f" || all=0; done
    [ "$all" -eq 1 ] && return 0
  done
  return 1
}
wait_dsn() { for _ in $(seq 200); do dsn_with "$@" && return 0; sleep 0.05; done; echo "  no DSN with: $*"; return 1; }

sink 127.0.0.44 "$sp" "$work/bounces"
sink 127.0.0.43 "$sp" "$work/rejected" -f RCPT
start

# --- bounce: a 5xx recipient gets a DSN back to the sender, naming the remote reply.
send rcpt@reject.test > /dev/null
check "5xx recipient: bounced" wait_log 'to=<rcpt@reject.test> relay=127.0.0.43\[127.0.0.43\]:[0-9]+ tls=none status=bounced \(5'
check "… a DSN is queued for the sender" wait_log ': sender non-delivery notification: [0-9A-F]{16}'
check "… and delivered with the null sender to the sender's domain" wait_log 'to=<sender@client.test> relay=127.0.0.44.* status=sent'
check "… as multipart/report with the RFC 3464 fields, the reply and the original headers" \
  wait_dsn "report-type=delivery-status" "Final-Recipient: rfc822; rcpt@reject.test" "Action: failed" \
  "Status: 5.3.0" "Diagnostic-Code: smtp; 127.0.0.43[127.0.0.43] said: 500 5.3.0" "Remote-MTA: dns; 127.0.0.43" \
  "Content-Type: text/rfc822-headers" "Subject: e2e rcpt@reject.test" "Auto-Submitted: auto-replied"
check "… sent with MAIL FROM:<> (smtp-sink: X-Mail-Args: <>)" \
  bash -c 'grep -l "Final-Recipient: rfc822; rcpt@reject.test" "$1"/* | xargs grep -q "^X-Mail-Args: <>$"' _ "$work/bounces"

# --- no bounce for a bounce
swaks --server "127.0.0.1:$port" --from '<>' --to other@reject.test > /dev/null 2>&1
check "null sender: bounced, but no DSN (never a bounce for a bounce)" wait_log ': no DSN: the sender is null'

# --- defer, then deliver when the peer comes up
send rcpt@later.test > /dev/null
check "peer down: deferred" wait_log 'to=<rcpt@later.test> .* status=deferred'
later=$(id_of rcpt@later.test)
check "queue list names the message" outputs "^$later " q queue list
check "… its recipient and why it waits" outputs "\(4\.[0-9.]+ .*(refused|connect)" q queue list
check "queue list --json: sender, recipients with status and reason" \
  python3 -c 'import json,sys; q=[m for m in json.load(sys.stdin) if m["id"]==sys.argv[1]][0]; r=q["recipients"][0]; assert q["sender"]=="sender@client.test" and r["address"]=="rcpt@later.test" and r["status"]=="deferred" and r["reason"] and not q["held"]' "$later" < <(q queue list --json)
sink 127.0.0.45 "$sp" "$work/later"
check "peer up: delivered on retry" wait_log 'to=<rcpt@later.test> .* status=sent'
check "… the sink has it" bash -c 'grep -l "Subject: e2e rcpt@later.test" "$1"/* > /dev/null' _ "$work/later"

# --- destconfig max-recipients-per-message = 2: three recipients go as two transactions
send a@split.test,b@split.test,c@split.test > /dev/null
check "three recipients with a limit of two: all sent" wait_count 'to=<[abc]@split.test> .* status=sent' 3
check "… in two transactions (2 + 1 recipients)" \
  bash -c 'for _ in $(seq 600); do [ "$(grep -l "Subject: e2e a@split.test" "$1"/* | wc -l)" -ge 2 ] && break; sleep 0.05; done
    [ "$(grep -l "Subject: e2e a@split.test" "$1"/* | wc -l)" -eq 2 ] && [ "$(grep -h "^X-Rcpt-Args" $(grep -l "Subject: e2e a@split.test" "$1"/*) | wc -l)" -eq 3 ]' _ "$work/later"

# --- hold, release, flush, delete
send one@never.test > /dev/null
check "unreachable destination: deferred" wait_log 'to=<one@never.test> .* status=deferred'
never=$(id_of one@never.test)
check "queue hold" outputs "^$never: (held|being delivered; held when this attempt ends)" q queue hold "$never"
held_listed() { for _ in $(seq 600); do outputs "^$1 .*\(held\)" q queue list && return 0; sleep 0.05; done; return 1; }
check "… shown as held" held_listed "$never"
tries=$(count_log "to=<one@never.test>")
sleep 2.5
check "… and not tried while held" test "$(count_log "to=<one@never.test>")" -eq "$tries"
q queue flush "$never" > "$work/out" 2>&1; rc=$?
check "flush of a held message: refused (exit 1)" bash -c '[ "$1" -eq 1 ] && grep -q "held" "$2"' _ "$rc" "$work/out"
check "queue release" outputs "^$never: released" q queue release "$never"
check "… tried again at once" wait_count "to=<one@never.test>" $((tries + 1)) 5
check "queue show: the recipient's state" outputs "recipient: <one@never.test> deferred \(4" q queue show "$never"
check "queue show: the message" outputs "^Subject: e2e one@never.test" q queue show "$never"
# The message is retried every second: it may be in the middle of an attempt.
check "queue delete" outputs "^$never: (deleted|being delivered; deleted when this attempt ends)" q queue delete "$never"
gone() { for _ in $(seq 600); do [ ! -e "$1" ] && return 0; sleep 0.05; done; return 1; }
check "… gone from the spool" gone "$work/etc/spool/queue/$never.msg"
q queue show 0123456789ABCDEF > /dev/null 2>&1; rc1=$?
q queue hold nonsense > /dev/null 2>&1; rc2=$?
check "unknown ID: exit 1; not an ID: exit 2" test "$rc1$rc2" = "12"

# --- reload: preferred → required-verify while the message waits in the queue
send rcpt@reload.test > /dev/null
check "reload.test (preferred, peer down): deferred" wait_log 'to=<rcpt@reload.test> .* status=deferred'
write_destconfig required-verify
check "sealpost reload: accepted" outputs "configuration reloaded" q reload
check "… and logged" wait_log 'reload: configuration from .* in effect'
sink 127.0.0.46 "$sp" "$work/reload"
check "queued mail meets the new policy: required-verify against a peer without STARTTLS defers 4.7.4" \
  wait_log 'to=<rcpt@reload.test> .* status=deferred \(4.7.4 TLS is required'
check "… nothing reached the peer in clear" test -z "$(ls "$work/reload")"
printf '[default]\ntls = "sometimes"\n' > "$work/etc/destconfig.toml"
q reload > "$work/out" 2>&1; rc=$?
check "a bad destconfig is refused (exit 1) with file, line and key" \
  bash -c '[ "$1" -eq 1 ] && grep -q "destconfig.toml:2: .*key .tls." "$2"' _ "$rc" "$work/out"
check "… logged, and the daemon runs on" bash -c 'grep -q "reload refused" "$1" && kill -0 "$2"' _ "$log" "$pid"
before=$(count_log 'to=<rcpt@reload.test> .*\(4\.7\.4')
check "… with the old configuration (still required-verify)" wait_count 'to=<rcpt@reload.test> .*\(4\.7\.4' $((before + 1))
write_destconfig preferred
kill -HUP "$pid"
check "SIGHUP reloads: preferred again, delivered" wait_log 'to=<rcpt@reload.test> .* tls=none status=sent'
# A trustpoint the operator believes loaded but that cannot be: refused like any bad file.
mkdir -p "$work/etc/trust"
ln -s "$work/nowhere.pem" "$work/etc/trust/dangling.pem"
q reload > "$work/out" 2>&1; rc=$?
check "a dangling symbolic link in trust/: reload refused (exit 1), naming the path" \
  bash -c '[ "$1" -eq 1 ] && grep -q "trust/dangling.pem: a symbolic link to .*nowhere.pem, which does not exist" "$2"' _ "$rc" "$work/out"
check "… and the daemon runs on" kill -0 "$pid"
"$sealpostd" --etc "$work/etc" > "$work/out" 2>&1; rc=$?
check "… and sealpostd does not start with it (exit 2, the path)" \
  bash -c '[ "$1" -eq 2 ] && grep -q "trust/dangling.pem: a symbolic link" "$2"' _ "$rc" "$work/out"
rm "$work/etc/trust/dangling.pem"

# --- expiry: the lifetime shrinks by reload; the deferred message bounces with its reason
send two@never.test > /dev/null
check "two@never.test: deferred" wait_log 'to=<two@never.test> .* status=deferred'
write_config 1
q reload > /dev/null
check "at the queue lifetime: bounced with the last reason made permanent" \
  wait_log 'to=<two@never.test> relay=none tls=none status=bounced \(5\.[0-9.]+ message expired after'
check "… and the sender gets a DSN saying so" \
  wait_dsn "Final-Recipient: rfc822; two@never.test" "expired in the queue" "Subject: Undelivered Mail Returned to Sender (expired in the queue)"
# The hour again: with a one-second lifetime a later message's first attempt could end in
# the next second and bounce at once (seen once under ASan: three@never.test below).
write_config 3600
q reload > /dev/null

# --- debug categories at run time
check "sealpost debug: every category, off" outputs "^smtp off" q debug
check "sealpost debug smtp on" outputs "^debug smtp on" q debug smtp on
q debug queue on > /dev/null
send dbg@later.test > /dev/null
check "debug smtp: the inbound dialogue" wait_log 'debug smtp: \[127.0.0.1\] < RCPT TO:<dbg@later.test>'
check "… with the replies" wait_log 'debug smtp: \[127.0.0.1\] > 250 2.0.0 Ok: queued as'
check "… the outbound dialogue, command by command" wait_log 'debug smtp: 127.0.0.45\[127.0.0.45\] > RCPT TO:<dbg@later.test>'
check "… with the server's replies" wait_log 'debug smtp: 127.0.0.45\[127.0.0.45\] < 250 '
check "… and the outbound connection's end" wait_log 'debug smtp: [0-9A-F]{16}: 127.0.0.45\[127.0.0.45\]:[0-9]+ route stage quit, sent'
check "debug queue: scheduling" wait_log 'debug queue: [0-9A-F]{16}: delivery starts'
q debug bogus on > /dev/null 2>&1; rc=$?
check "an unknown category: exit 2" test "$rc" -eq 2
q debug smtp off > /dev/null

# --- log rotation (logrotate's postrotate): SIGUSR1, and every reload, reopen both logs
mv "$log" "$log.1"; mv "$work/etc/outcome.jsonl" "$work/etc/outcome.jsonl.1"
rotated_records=$(wc -l < "$work/etc/outcome.jsonl.1")
kill -USR1 "$pid"
check "SIGUSR1: the human log is opened again at its path, and says so" wait_log 'log files reopened'
send rot1@later.test > /dev/null
check "… the next message is logged in the new file" wait_log 'to=<rot1@later.test>'
check "… its TLS outcome record in the new outcome log" \
  bash -c 'for _ in $(seq 600); do grep -q "later.test" "$1" 2>/dev/null && exit 0; sleep 0.05; done; exit 1' _ "$work/etc/outcome.jsonl"
check "… and nothing of it goes to the rotated files" \
  bash -c '! grep -q "rot1@later.test" "$1" && [ "$(wc -l < "$2")" -eq "$3" ]' _ "$log.1" "$work/etc/outcome.jsonl.1" "$rotated_records"
mv "$log" "$log.2"
q reload > /dev/null
check "sealpost reload reopens them too" wait_log 'log files reopened'

# --- status
check "status --json: queue, deliveries, DSNs, TLS outcomes per setting, DNS counters" \
  python3 -c 'import json,sys; s=json.load(sys.stdin); c=s["counters"]; assert c["sent"]>=4 and c["bounced"]>=3 and c["dsn"]>=2, c; assert s["tls"]["preferred"]["plaintext"]>=1 and s["tls"]["required-verify"]["failed:starttls-offer"]>=1, s["tls"]; assert "cache_hits" in s["dns"] and "messages" in s["queue"]' < <(q status --json)
check "status: one line per group" outputs "^counters: accepted=" q status

# --- one daemon per spool; SIGTERM keeps the queue
"$sealpostd" --etc "$work/etc" > "$work/out" 2>&1; rc=$?
check "a second sealpostd on the same spool is refused" bash -c '[ "$1" -eq 2 ] && grep -q "another sealpostd" "$2"' _ "$rc" "$work/out"
send three@never.test > /dev/null
wait_log 'to=<three@never.test> .* status=deferred' > /dev/null
kill "$pid"; wait "$pid" 2>/dev/null; pid=
q status > "$work/out" 2>&1; rc=$?
check "after SIGTERM: status says the daemon is not running (exit 1)" bash -c '[ "$1" -eq 1 ] && grep -q "not running" "$2"' _ "$rc" "$work/out"
three=$(id_of three@never.test)
check "… the queue is kept, and hold works on the stopped daemon's spool" outputs "^$three: held \(sealpostd is not running\)" q queue hold "$three"
check "… shown as held" outputs "^$three .*\(held\)" q queue list
start
check "restart: the held message stays held" wait_log 'sealpostd started: 1 listener\(s\), [0-9]+ message\(s\) in the queue, 1 held'
kill "$pid"; wait "$pid" 2>/dev/null; pid=

finish
