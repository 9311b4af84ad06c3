#!/usr/bin/env bash
# End to end through the relay daemon, real peers only, loopback only: swaks → sealpostd →
# MX records from the test nsd (fixture `dns`) → Postfix smtpd / smtp-sink peers (fixture
# `smtp`) with certificates from the test PKI (fixture `pki`).
# Checks, from the daemon's human log and TLS outcome log: delivery or deferral per
# destconfig setting as TLS-POLICY.md says; no open relay; 552/452/500 on bad input; a
# deferred message survives kill -9 and is resumed on restart.
# Usage: relay-e2e.sh SEALPOSTD PKI_DIR   (SEALPOST_TEST_DNS, SEALPOST_TEST_SMTP set by ctest)
set -uo pipefail
sealpostd=$1 pki=$2
. "$SEALPOST_TEST_DNS/peers.env"
. "$SEALPOST_TEST_SMTP/peers.env"
work=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
trap cleanup EXIT
port=$(free_port 127.0.0.1)
mkdir -p "$work/etc/trust"
cp "$pki/ca-bundle.pem" "$work/etc/trust/test-ca.pem"
cat > "$work/etc/sealpost.toml" <<CF
[server]
user = "root"                              # run as root on purpose: relay-ops-e2e tests the switch
hostname = "relay.sealpost.test"
listen = ["127.0.0.1:$port"]
relay_networks = ["127.0.0.1/32"]
max_message_size = 20000
max_recipients = 3
tls_certificate = "$pki/mail-wildcard-chain.pem"
tls_key = "$pki/mail-wildcard.key"
[spool]
directory = "spool"
[dns]
servers = ["127.0.0.1:$NSD_PORT"]
[delivery]
smtp_port = $SMTP_PORT
retry_seconds = [1]
[trust]
system_bundle = false
[log]
file = "relay.log"
outcome_file = "outcome.jsonl"
debug = ["dns", "tls", "pki"]
CF
cat > "$work/etc/destconfig.toml" <<CF
[default]
tls = "preferred"
["wild.mail.test"]
tls = "required-verify"
["mxname.mail.test"]
tls = "required-verify-hosted"
["plain.mail.test"]
tls = "required"
["expired.mail.test"]
tls = "required-verify"
CF
log=$work/etc/relay.log

start
sink_before=$(ls "$SEALPOST_TEST_SMTP/sink" | wc -l)

out=$(send rcpt@wild.mail.test)
check "required-verify: accepted only once spooled (250 … queued as)" grep -q "250 2.0.0 Ok: queued as" <<<"$out"
check "required-verify: delivered, verified by the Verify rules" \
  wait_log 'to=<rcpt@wild.mail.test> relay=mx-wild.mail.test\[127.0.0.32\]:[0-9]+ tls=verified\(verify, san-recipient-domain\) status=sent'

check "debug dns: the MX query and its answer" wait_log 'debug dns: answer wild.mail.test MX: rcode 0, 1 record'
check "debug tls: the handshake" wait_log 'debug tls: [0-9A-F]{16}: mx-wild.mail.test\[127.0.0.32\]:[0-9]+ STARTTLS ok, TLS v1.3 .*, (full handshake|resumed)'
check "debug pki: chain, anchor, presented names, REF-IDs and the verdict" \
  wait_log 'debug pki: [0-9A-F]{16}: mx-wild.mail.test.* chain ok, anchor test-ca; presented .*\*.mail.test.*; REF-IDs wild.mail.test'
send rcpt2@wild.mail.test > /dev/null
check "a second message within the park time: delivered, still verified" \
  wait_log 'to=<rcpt2@wild.mail.test> relay=mx-wild.mail.test\[127.0.0.32\]:[0-9]+ tls=verified\(verify, san-recipient-domain\) status=sent'
check "… over the parked connection (outcome: connection_reused, the verification it was opened with)" \
  bash -c 'grep "\"recipient_domain\":\"wild.mail.test\"" "$1" | grep "\"connection_reused\":true" | grep -q "\"verified\":true"' _ "$work/etc/outcome.jsonl"

send rcpt@mxname.mail.test > /dev/null
check "required-verify-hosted: delivered, matched the MX host" \
  wait_log 'to=<rcpt@mxname.mail.test> .* tls=verified\(hosted, mx-host\) status=sent'

send rcpt@ptr.mail.test > /dev/null
check "preferred (default entry): delivered encrypted" wait_log 'to=<rcpt@ptr.mail.test> .* tls=verified\(verify, cn-ptr\) status=sent'

send rcpt@plain.mail.test > /dev/null
check "required against a server without STARTTLS: deferred 4.7.4" \
  wait_log 'to=<rcpt@plain.mail.test> .* status=deferred \(4.7.4 TLS is required, but was not offered'
check "required: nothing reached the clear-text sink" test "$(ls "$SEALPOST_TEST_SMTP/sink" | wc -l)" -eq "$sink_before"

send rcpt@expired.mail.test > /dev/null
check "required-verify, expired certificate: deferred 4.7.5 at the chain" \
  wait_log 'to=<rcpt@expired.mail.test> .* status=deferred \(4.7.5 certificate chain not trusted'
check "TLS outcome log: one JSON line per connection with stage and queue ID" \
  grep -qE '"queue_id":"[0-9A-F]{16}".*"result":"deferred".*"stage":"chain"' "$work/etc/outcome.jsonl"

# STARTTLS on the listener (RFC 3207): a client that asks gets TLS; the trace field says so.
out=$(send rcpt-tls@plain.mail.test --tls)
check "inbound STARTTLS: swaks --tls is accepted over TLS" \
  bash -c 'grep -q "<-  220 2.0.0 Ready to start TLS" <<<"$1" && grep -q "=== TLS started with cipher TLSv1.3" <<<"$1" && grep -q "<~  250 2.0.0 Ok: queued as" <<<"$1"' _ "$out"
check "… logged with the TLS version and cipher" wait_log '\[127.0.0.1\]: STARTTLS: TLS v1.3 '
check "… and the Received field says ESMTPS (RFC 3848)" \
  bash -c 'grep -l "rcpt-tls@plain.mail.test" "$1"/*.msg | xargs grep -q "^Received: from .* with ESMTPS (TLS v1.3 "' _ "$work/etc/spool/queue"
injected=$(timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "EHLO x\r\nSTARTTLS\r\nNOOP\r\n" >&3; timeout 2 cat <&3' _ "$port")
check "commands pipelined after STARTTLS are discarded, never answered (RFC 3207 §5)" \
  bash -c 'grep -q "^220 2.0.0 Ready to start TLS" <<<"$1" && ! grep -q "^250 2.0.0 Ok" <<<"$1"' _ "$injected"
# Discarded when it came with STARTTLS in one read; when TCP delivered it later it is fed to
# the handshake as garbage, which fails. Never executed either way.
check "… and logged" wait_log 'octets sent after STARTTLS before the handshake: discarded|STARTTLS failed'

# Bad input: each gets its reply and the session goes on; nothing crashes.
check "message over the size limit: 552" grep -q "552 5.3.4" <<<"$(send rcpt@wild.mail.test --body "$(head -c 30000 /dev/zero | tr '\0' x | fold -w 70)")"
check "too many recipients: 452" grep -q "452 4.5.3" <<<"$(send a@wild.mail.test,b@wild.mail.test,c@wild.mail.test,d@wild.mail.test)"
{ printf 'EHLO x\r\n'; head -c 3000 /dev/zero | tr '\0' A; printf '\r\n\x01\x02binary\r\nMAIL FROM:<bad address>\r\nQUIT\r\n'; } > "$work/garbage"
garbage=$(timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat "$2" >&3; cat <&3' _ "$port" "$work/garbage")
check "overlong line, binary garbage and a bad address: 500/502/501, then 221" \
  bash -c 'grep -q "500 5.5.2 Error: command line too long" <<<"$1" && grep -q "502 5.5.2" <<<"$1" && grep -q "^501 " <<<"$1" && grep -q "221 2.0.0" <<<"$1"' _ "$garbage"

{ printf 'EHLO x\r\nMAIL FROM:<a@client.test>\r\n'; for i in $(seq 10000); do printf 'RCPT TO:<r%s@wild.mail.test>\r\n' "$i"; done; printf 'QUIT\r\n'; } > "$work/rcpts"
timeout 30 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat "$2" >&3; cat <&3' _ "$port" "$work/rcpts" > "$work/rcpts.out"
check "10,000 RCPTs pipelined: 3 accepted, 9,997 answered 452, the session ends with 221" \
  bash -c '[ "$(grep -c "^452 4.5.3" "$1")" -eq 9997 ] && [ "$(grep -c "^250 2.1.5" "$1")" -eq 3 ] && grep -q "^221 " "$1"' _ "$work/rcpts.out"

# Open relay: a client outside the relay networks (127.0.0.1/32) cannot relay.
out=$(swaks --server "127.0.0.1:$port" --local-interface 127.0.0.2 --from a@client.test --to rcpt@wild.mail.test 2>&1)
check "client outside the relay networks: 554 Relay access denied" grep -q "554 5.7.1 <rcpt@wild.mail.test>: Relay access denied" <<<"$out"

# Crash: kill -9 while the plain.mail.test message waits in the queue; it is resumed.
queued=$(ls "$work/etc/spool/queue" | grep -c '\.msg$')
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
check "after kill -9 the deferred messages are still in the spool" test "$queued" -ge 2
# A crash after the last recipient's state was written but before the message was removed:
# on restart it is removed, not delivered again.
done_id=$(grep -oE '[0-9A-F]{16}: to=<rcpt@expired.mail.test>' "$log" | head -1 | cut -c1-16)
printf 'attempts: 1\nnext: 0\nheld: no\ndone: bounced 5.7.5 rcpt@expired.mail.test test\n' > "$work/etc/spool/queue/$done_id.state"
tries_before=$(grep -c "to=<rcpt@expired.mail.test>" "$log")
start
check "a message whose recipients were all done is removed on restart" wait_log "$done_id: removed"
check "… and not delivered again" \
  bash -c '[ "$(grep -c "to=<rcpt@expired.mail.test>" "$1")" -eq "$2" ]' _ "$log" "$tries_before"
check "restart resumes the queue" grep -qE "sealpostd started: 1 listener\(s\), $queued message\(s\) in the queue" "$log"
resumed_again() {
  for _ in $(seq 200); do
    [ "$(grep -c 'to=<rcpt@plain.mail.test> .* status=deferred' "$log")" -ge 2 ] && return 0
    sleep 0.05
  done
  return 1
}
check "the resumed message is tried again" resumed_again
kill "$pid"; wait "$pid" 2>/dev/null; pid=

finish
