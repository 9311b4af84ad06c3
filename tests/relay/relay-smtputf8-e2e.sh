#!/usr/bin/env bash
# Internationalized mail end to end (RFC 6531 SMTPUTF8, RFC 5890 IDNA, RFC 6533 DSNs), real
# peers only, loopback only: Python's smtplib (SMTPUTF8) and swaks (without it) → sealpostd →
# MX records for xn-- names from the test nsd (fixture `dns`) → Postfix smtpd with SMTPUTF8
# (127.0.0.52, bücher.mail.test) and without it (127.0.0.53, café.mail.test), both with a
# certificate that names the two domains only as A-labels (fixtures `smtp`, `pki`).
# destconfig names bücher in U-labels and café in A-labels; recipients are written both ways.
# Usage: relay-smtputf8-e2e.sh SEALPOSTD   (SEALPOST_TEST_DNS, SEALPOST_TEST_SMTP, SEALPOST_TEST_PKI)
set -uo pipefail
sealpostd=$1 pki=$SEALPOST_TEST_PKI
. "$SEALPOST_TEST_DNS/peers.env"
. "$SEALPOST_TEST_SMTP/peers.env"
work=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
trap cleanup EXIT
client="python3 $(dirname "$0")/smtputf8-client.py"
port=$(free_port 127.0.0.1)
mkdir -p "$work/etc/trust"
cp "$pki/ca-bundle.pem" "$work/etc/trust/test-ca.pem"
cat > "$work/etc/sealpost.toml" <<CF
[server]
user = "root"                              # run as root on purpose: relay-ops-e2e tests the switch
hostname = "relay.sealpost.test"
listen = ["127.0.0.1:$port"]
relay_networks = ["127.0.0.1/32"]
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
CF
cat > "$work/etc/destconfig.toml" <<'CF'
[default]
tls = "preferred"
["bücher.mail.test"]
tls = "required-verify"
["xn--caf-dma.mail.test"]
tls = "required-verify"
CF
log=$work/etc/relay.log
peer_log=$SEALPOST_TEST_SMTP/maillog
peer_has() { for _ in $(seq 200); do grep -qF -- "$1" "$peer_log" && return 0; sleep 0.05; done; echo "  peer log has no: $1"; return 1; }
start

# 1. A UTF-8 local part and header to the SMTPUTF8 peer: sent with SMTPUTF8, the address intact.
out=$($client "$port" "sender@bücher.mail.test" "用户@bücher.mail.test" "Grüße")
check "the listener advertises SMTPUTF8 (EHLO)" grep -q "EHLO:.* SMTPUTF8" <<<"$out"
check "smtplib with SMTPUTF8: UTF-8 local part and U-label domain accepted" grep -qx sent <<<"$out"
check "… delivered to the SMTPUTF8 peer, verified against the certificate's A-label (REF-ID recipient domain)" \
  wait_log 'to=<用户@bücher.mail.test> relay=mx-idn.mail.test\[127.0.0.52\]:[0-9]+ tls=verified\(verify, san-recipient-domain\) status=sent'
check "… the peer received the UTF-8 address as it was given" peer_has "to=<用户@bücher.mail.test>"
check "… under the U-label destconfig entry, recorded in A-label form" \
  bash -c 'grep "\"recipient_domain\":\"xn--bcher-kva.mail.test\"" "$1" | grep "\"destconfig_entry\":\"xn--bcher-kva.mail.test\"" | grep -q "\"setting\":\"required-verify\""' _ "$work/etc/outcome.jsonl"

# 2. The same to café (no SMTPUTF8 there): bounced 5.6.7, and an RFC 6533 DSN goes to the sender.
out=$($client "$port" "sender@bücher.mail.test" "用户@café.mail.test" "Grüße")
check "smtplib with SMTPUTF8 to café: accepted" grep -qx sent <<<"$out"
check "… bounced 5.6.7: the next hop does not offer SMTPUTF8 (RFC 6531 §3.7.4)" \
  wait_log 'to=<用户@café.mail.test> relay=mx-idn-ascii.mail.test\[127.0.0.53\]:[0-9]+ .* status=bounced \(5.6.7 SMTPUTF8 is required, but was not offered'
check "… nothing reached the peer without SMTPUTF8" bash -c '! grep -qF "café.mail.test" "$1" && ! grep -qF "xn--caf-dma" "$1"' _ "$peer_log"
check "… the DSN is delivered to the sender with SMTPUTF8 (it reports a UTF-8 address)" \
  wait_log 'to=<sender@bücher.mail.test> relay=mx-idn.mail.test\[127.0.0.52\]:[0-9]+ .*status=sent'
check "… as a null-sender message at the peer" peer_has "from=<>"

# 3. Only the envelope's domains are UTF-8 (headers name them as A-labels): the next hop needs
# no SMTPUTF8, the addresses go out as A-labels.
out=$($client "$port" "sender@bücher.mail.test" "plain@café.mail.test" "ascii subject" --ascii-headers)
check "smtplib with SMTPUTF8, ASCII local part and header to café: accepted" grep -qx sent <<<"$out"
check "… delivered without SMTPUTF8, under the A-label destconfig entry, verified" \
  wait_log 'to=<plain@café.mail.test> relay=mx-idn-ascii.mail.test\[127.0.0.53\]:[0-9]+ tls=verified\(verify, san-recipient-domain\) status=sent'
check "… the peer received the A-label addresses" peer_has "from=<sender@xn--bcher-kva.mail.test>"
check "… sender and recipient both" peer_has "to=<plain@xn--caf-dma.mail.test>"

# 4. Recipients in A-label form meet the U-label entry: one destination, one policy.
out=$(swaks --server "127.0.0.1:$port" --from sender@client.test --to ascii@xn--bcher-kva.mail.test 2>&1)
check "swaks, A-label recipient: accepted" grep -q "250 2.0.0 Ok: queued as" <<<"$out"
check "… delivered under the entry written as bücher.mail.test, verified" \
  wait_log 'to=<ascii@xn--bcher-kva.mail.test> relay=mx-idn.mail.test\[127.0.0.52\]:[0-9]+ tls=verified\(verify, san-recipient-domain\) status=sent'

# 5. Without SMTPUTF8, 8-bit addresses are refused (RFC 6531), from swaks and from smtplib.
out=$(swaks --server "127.0.0.1:$port" --from sender@client.test --to "用户@bücher.mail.test" 2>&1)
check "swaks (no SMTPUTF8), UTF-8 recipient: 553 5.6.7" grep -q "<\*\* *553 5.6.7 Must declare SMTPUTF8" <<<"$out"
out=$(swaks --server "127.0.0.1:$port" --from "отправитель@client.test" --to a@bücher.mail.test 2>&1)
check "swaks (no SMTPUTF8), UTF-8 sender: 553 5.6.7" grep -q "<\*\* *553 5.6.7 Must declare SMTPUTF8" <<<"$out"
out=$($client "$port" "sender@bücher.mail.test" "用户@bücher.mail.test" "x" --no-smtputf8)
check "smtplib without SMTPUTF8, UTF-8 recipient: refused" grep -q "^error:.*553" <<<"$out"
out=$($client "$port" "sender@bücher.mail.test" "u@☃.mail.test" "x")
check "an invalid U-label (☃, disallowed by IDNA2008): 501 5.1.2" grep -q "^error:.*501.*5.1.2" <<<"$out"

# 6. The logs stay valid UTF-8, the outcome records valid JSON.
check "the human log is valid UTF-8" python3 -c 'import sys; open(sys.argv[1], encoding="utf-8", errors="strict").read()' "$log"
check "every outcome record is valid UTF-8 JSON" \
  python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8", errors="strict")]' "$work/etc/outcome.jsonl"
kill "$pid"; wait "$pid" 2>/dev/null; pid=
finish
