#!/usr/bin/env bash
# MTA-STS end to end (RFC 8461; DANE-MTA-STS.md §0, §2, §3), real peers only, loopback only:
# swaks → sealpostd → nsd (started here) serving the _mta-sts TXT records, the policy hosts and
# the MX records; an HTTPS policy server of our own (tests/sts/policy_server.py) on 127.0.0.50
# with a certificate from the test PKI, serving policies from files the test changes; the
# Postfix peers (fixture `smtp`) as MX hosts, smtp-sink (no STARTTLS) as the host a policy
# leaves out. Each case checks the daemon's log line, the outcome record's mta_sts object and,
# where a policy is enforced, that nothing reached the clear-text sink. Then the cache across a
# policy change without a new id, an id change, a restart, the background refresh and its
# failure alert, `sealpost status`, and the TLS-RPT report's sts policies.
# Usage: relay-mta-sts-e2e.sh SEALPOSTD SEALPOST PKI_DIR   (SEALPOST_TEST_SMTP set by ctest)
set -uo pipefail
sealpostd=$1 sealpost=$2 pki=$3
. "$SEALPOST_TEST_SMTP/peers.env"
work=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
stop_dns() {
  [ -f "$work/dns/nsd.pid" ] && kill "$(cat "$work/dns/nsd.pid")" 2>/dev/null
  cleanup
}
trap stop_dns EXIT
port=$(free_port 127.0.0.1)
P=$SMTP_PORT

# --- DNS: the policy domains under sealpost.test, the MX hosts under mail.test -----------------
mkdir -p "$work/dns" "$work/policies"
sts_zone() {  # the id of change.sealpost.test's TXT record
  {
    printf '$ORIGIN sealpost.test.\n$TTL 1\n@ IN SOA ns hostmaster %s 3600 900 604800 1\n@ IN NS ns\nns IN A 127.0.0.1\n' "$1"
    for d in enf mism nomx nocert notls testing strict off change s404 s301 wrongname big slow; do
      printf 'mta-sts.%s IN A 127.0.0.50\n_mta-sts.%s IN TXT "v=STSv1; id=%s"\n' "$d" "$d" "$([ "$d" = change ] && echo "$1" || echo 1)"
    done
    printf '_smtp._tls.enf IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@enf.sealpost.test"\n'
    printf 'enf IN MX 10 mx-name.mail.test.\nmism IN MX 10 plain.mail.test.\nmism IN MX 20 mx-name.mail.test.\n'
    printf 'nomx IN MX 10 plain.mail.test.\nnocert IN MX 10 mx-other.mail.test.\ntesting IN MX 10 plain.mail.test.\n'
    printf 'strict IN MX 10 plain.mail.test.\noff IN MX 10 plain.mail.test.\nchange IN MX 10 mx-name.mail.test.\n'
    for d in s404 s301 wrongname big slow; do printf '%s IN MX 10 mx-name.mail.test.\n' "$d"; done
    printf 'notls IN MX 10 plain.mail.test.\n'
  } > "$work/dns/sealpost.test.zone"
}
sts_zone 1
cat > "$work/dns/mail.test.zone" <<ZONE
\$ORIGIN mail.test.
\$TTL 30
@        IN SOA ns.sealpost.test. hostmaster 1 3600 900 604800 5
@        IN NS  ns.sealpost.test.
mx-name  IN A   127.0.0.31
mx-other IN A   127.0.0.31
plain    IN A   127.0.0.38
ZONE
nsd_port=$(free_port 127.0.0.1)
nsd_conf "$work/dns" "$nsd_port" sealpost.test:sealpost.test.zone mail.test:mail.test.zone
start_nsd() {  # retried: a stopped nsd's server processes may hold the port a little longer
  for _ in $(seq 100); do
    if nsd -c "$work/dns/nsd.conf" 2> /dev/null; then
      for _ in $(seq 100); do [ -s "$work/dns/nsd.pid" ] && return 0; sleep 0.05; done
    fi
    sleep 0.1
  done
  cat "$work/dns/nsd.log"; exit 1
}
stop_nsd() {  # and wait until none of its processes is left
  kill "$(cat "$work/dns/nsd.pid")"
  for _ in $(seq 200); do pgrep -f "nsd -c $work/dns/nsd.conf" > /dev/null || break; sleep 0.05; done
  rm -f "$work/dns/nsd.pid"
}
start_nsd

# --- the policies and their server -------------------------------------------------------------
policy() {  # LABEL MODE MAX_AGE PATTERN…
  { printf 'version: STSv1\nmode: %s\n' "$2"; for m in "${@:4}"; do printf 'mx: %s\n' "$m"; done; printf 'max_age: %s\n' "$3"; } \
    > "$work/policies/$1"
}
for d in enf mism nomx change off; do policy "$d" enforce 86400 mx-name.mail.test; done
policy nocert enforce 86400 '*.mail.test'
policy notls enforce 86400 plain.mail.test
policy strict testing 86400 mx-name.mail.test
policy testing testing 4 mx-name.mail.test  # a short max_age: the background refresh is due at once
policy_server "$work/policies"

# --- the relay ---------------------------------------------------------------------------------
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
servers = ["127.0.0.1:$nsd_port"]
[delivery]
smtp_port = $P
retry_seconds = [3600]
mta_sts_port = $sts_port
mta_sts_refresh_seconds = 1
mta_sts_timeout_seconds = 2
[trust]
system_bundle = false
[log]
file = "relay.log"
outcome_file = "outcome.jsonl"
debug = ["tls", "pki"]
CF
cat > "$work/etc/destconfig.toml" <<CF
[default]
tls = "preferred"
["strict.sealpost.test"]
mta-sts = "enforce-testing"
["off.sealpost.test"]
mta-sts = "off"
CF
log=$work/etc/relay.log
outcome=$work/etc/outcome.jsonl
last_outcome() {  # DOMAIN [HOST]: the last outcome record for DOMAIN (at HOST)
  grep "\"recipient_domain\":\"$1\"" "$outcome" | grep "\"host\":\"${2:-}" | tail -1
}
outcome_has() {  # DOMAIN PATTERN [HOST]
  last_outcome "$1" "${3:-}" | grep -q -- "$2" || { echo "  last outcome for $1: $(last_outcome "$1" "${3:-}" | cut -c1-600)"; return 1; }
}
peer_received() {  # LOCAL@DOMAIN: the Postfix peer logged the message the relay says it took
  local id
  id=$(grep -E "to=<$1> .*status=sent .*queued as [0-9A-F]+" "$log" | tail -1 | sed -E 's/.*queued as ([0-9A-F]+).*/\1/')
  [ -n "$id" ] && grep -q "$id: " "$SEALPOST_TEST_SMTP/maillog"
}
delivered() {  # DESCRIPTION ADDRESS HOST IP TLS-REGEX
  send "$2" > /dev/null
  check "$1" wait_log "to=<$2> relay=$3\[$4\]:[0-9]+ tls=$5 status=sent"
}
deferred() {  # DESCRIPTION ADDRESS REASON-REGEX
  send "$2" > /dev/null
  check "$1" wait_log "to=<$2> .* status=deferred \($3"
}
sink_count() { ls "$SEALPOST_TEST_SMTP/sink" | wc -l; }
start
sink_before=$(sink_count)

# --- enforce -----------------------------------------------------------------------------------
delivered "enforce, the MX matches: delivered, tls=sts-verified(enforce, PATTERN)" \
  a@enf.sealpost.test mx-name.mail.test 127.0.0.31 'sts-verified\(enforce, mx-name.mail.test\)'
check "… and the Postfix peer received it" peer_received a@enf.sealpost.test
check "… outcome: the policy id, mode, patterns, enforced, fetched, verified" \
  outcome_has enf.sealpost.test '"mta_sts":{.*"enforced":true,.*"id":"1",.*"mode":"enforce","mx":\["mx-name.mail.test"\],"mx_matched":true,"origin":"fetch",.*"result":"verified"'
check "… the cache file under the spool, mode 0600" test "$(stat -c %a "$work/etc/spool/mta-sts/enf.sealpost.test" 2>/dev/null)" = 600
check "… debug pki: the policy and its verdict" wait_log 'debug pki: [0-9A-F]{16}: mx-name.mail.test\[127.0.0.31\]:[0-9]+ MTA-STS enf.sealpost.test id 1 mode enforce enforced'
delivered "enforce, MX 1 outside the patterns: skipped, MX 2 takes it (the list is not pre-filtered)" \
  a@mism.sealpost.test mx-name.mail.test 127.0.0.31 'sts-verified\(.*\)'
check "… MX 1's outcome: stage sts-mx, next-host, 4.7.5, never connected" \
  outcome_has mism.sealpost.test '"reason":"MTA-STS policy does not allow plain.mail.test\[127.0.0.38\]: .*"result":"next-host","setting":"preferred","stage":"sts-mx","starttls":"not-attempted","status":"4.7.5"' plain.mail.test
deferred "enforce, no MX inside the patterns: deferred 4.7.5" \
  a@nomx.sealpost.test '4.7.5 MTA-STS policy does not allow plain.mail.test\[127.0.0.38\]: the MTA-STS policy of nomx.sealpost.test \(id 1\) lists no mx pattern for plain.mail.test'
deferred "enforce, the certificate lacks the MX name: deferred 4.7.5" \
  a@nocert.sealpost.test '4.7.5 MTA-STS certificate check failed for mx-other.mail.test\[127.0.0.31\]: the certificate names mx-name.mail.test, not mx-other.mail.test'
check "… outcome: stage sts, result certificate" outcome_has nocert.sealpost.test '"result":"certificate".*"stage":"sts"'
deferred "enforce, the listed MX offers no STARTTLS: deferred 4.7.4, never in clear" \
  a@notls.sealpost.test '4.7.4 TLS is required, but was not offered by plain.mail.test\[127.0.0.38\] \(MTA-STS: enforce\)'
check "… outcome: result starttls" outcome_has notls.sealpost.test '"result":"starttls".*"stage":"starttls-offer"'
deferred "testing under mta-sts = enforce-testing: enforced, deferred 4.7.5" \
  a@strict.sealpost.test '4.7.5 MTA-STS policy does not allow plain.mail.test'
check "no message went out in clear where a policy was enforced" test "$(sink_count)" -eq "$sink_before"

# --- testing, off, and fetch failures: the destconfig setting alone ----------------------------
delivered "testing: delivered by the setting (preferred: in clear to a host without STARTTLS)" \
  a@testing.sealpost.test plain.mail.test 127.0.0.38 none
check "… outcome: not enforced, what would have failed recorded (mx-mismatch)" \
  outcome_has testing.sealpost.test '"mta_sts":{.*"enforced":false,.*"mode":"testing",.*"result":"mx-mismatch"'
delivered "mta-sts = off: an enforce policy is ignored" a@off.sealpost.test plain.mail.test 127.0.0.38 none
no_sts() { last_outcome "$1" | grep -q '"recipient_domain"' && ! last_outcome "$1" | grep -q mta_sts; }
check "… outcome without an mta_sts object" no_sts off.sealpost.test
for c in "s404:sts-policy-fetch-error:HTTP 404" "s301:sts-policy-fetch-error:redirects are not followed" \
  "big:sts-policy-fetch-error:larger than 64 KiB" "slow:sts-policy-fetch-error:timed out" "wrongname:sts-webpki-invalid:the certificate names mx-name.mail.test"; do
  IFS=: read -r d type why <<<"$c"
  delivered "fetch fails ($why): no policy, delivered by the setting" "a@$d.sealpost.test" mx-name.mail.test 127.0.0.31 '(encrypted, unverified|verified\(.*\))'
  check "… outcome: origin none, fetch_failure $type" \
    outcome_has "$d.sealpost.test" "\"fetch_failure\":\"$type\",\"fetch_note\":\"$type: [^\"]*$why.*\"origin\":\"none\""
done
check "… the failed fetch is logged as a warning" wait_log "mta-sts: s404.sealpost.test: sts-policy-fetch-error: .*HTTP 404"

# --- the cache: a policy changed without a new id, an id change, a restart ---------------------
delivered "change: the first policy fetched and applied" a@change.sealpost.test mx-name.mail.test 127.0.0.31 'sts-verified\(.*\)'
policy change enforce 86400 nothing.example
delivered "the policy changed without a new id: the cache holds (RFC 8461 §3.3)" \
  b@change.sealpost.test mx-name.mail.test 127.0.0.31 'sts-verified\(.*\)'
check "… outcome: origin cache" outcome_has change.sealpost.test '"origin":"cache"'
stop_nsd
sts_zone 2
start_nsd
sleep 6  # past the resolver's cache of the TXT record (its 5 s floor, dns/resolver.h)
deferred "the id changed: refetched, the new policy leaves the MX out: deferred 4.7.5" \
  c@change.sealpost.test '4.7.5 MTA-STS policy does not allow mx-name.mail.test'
check "sealpost mta-sts show: the new id and pattern from the daemon's cache" \
  outputs 'change.sealpost.test: id 2, mode enforce' "$sealpost" --etc "$work/etc" mta-sts show change.sealpost.test
kill "$pid"; wait "$pid" 2>/dev/null; pid=
start
delivered "after a restart: the cached policy is used, not refetched" \
  b@enf.sealpost.test mx-name.mail.test 127.0.0.31 'sts-verified\(.*\)'
check "… outcome: origin cache" outcome_has enf.sealpost.test '"origin":"cache"'

# --- tlsverify: the policy it used, the daemon's cache read ------------------------------------
tv() { "$sealpost" --etc "$work/etc" tlsverify "$1" --port "$P" --dns-server "127.0.0.1:$nsd_port" "${@:2}" 2>&1; }
out=$(tv enf.sealpost.test)
check "tlsverify: the TXT record, the cached policy in force, and the host's STS verdict" \
  bash -c 'grep -q "^MTA-STS: _mta-sts.enf.sealpost.test: v=STSv1, id 1; id 1 unchanged; the cached policy (id 1) applies" <<<"$1" &&
    grep -q "policy in force: id 1 (from the cache)" <<<"$1" && grep -q "  result:     verified" <<<"$1" &&
    grep -q "Verdict: every host verified" <<<"$1"' _ "$out"
tv nomx.sealpost.test > /dev/null
check "… a host the enforced policy leaves out: not verified (exit 1), stage sts-mx" \
  bash -c '[ "$1" -eq 1 ] && grep -q "Outcome: stage sts-mx, next-host\|Outcome: stage sts-mx, deferred" <<<"$2"' _ $? "$(tv nomx.sealpost.test)"
check "… --mta-sts off: the policy is not looked up" bash -c '! grep -q "^MTA-STS" <<<"$1"' _ "$(tv enf.sealpost.test --mta-sts off)"

# --- the background refresh and its alert ------------------------------------------------------
refreshes=$(count_log 'debug tls: mta-sts: testing.sealpost.test: refreshed policy id 1')
check "background refresh: the short-lived policy is refetched before it expires" \
  wait_count 'debug tls: mta-sts: testing.sealpost.test: refreshed policy id 1' "$((refreshes + 1))" 15
rm "$work/policies/testing"
check "… a failed refresh is a warning, the cached policy stays" \
  wait_log 'mta-sts: testing.sealpost.test: sts-policy-fetch-error: .*the cached policy \(id 1\) stays in force' 15
status=$("$sealpost" --etc "$work/etc" status 2>&1); [ -n "${KEEP:-}" ] && echo "$status"
check "sealpost status: the cache and the fetch counters" \
  bash -c 'grep -qE "^mta-sts: .*cached_valid=[1-9].*refresh_failures=[1-9].*refreshed=[1-9]" <<<"$1"' _ "$status"
check "… and STS outcomes per setting" bash -c 'grep -qE "sts-enforce:verified=[1-9]" <<<"$1"' _ "$status"

# --- TLS-RPT: sts policies (RFC 8460 §4.4) -----------------------------------------------------
"$sealpost" report --log "$outcome" --tlsrpt "$work/rpt" > /dev/null 2>&1
rpt() { cat "$work/rpt"/*"!$1!"*.json 2>/dev/null; }
check "TLS-RPT: an sts policy with policy-domain, the policy lines and mx-host" \
  python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
p = [x for x in r["policies"] if x["policy"]["policy-type"] == "sts"][0]
assert p["policy"]["policy-domain"] == "nomx.sealpost.test", p
assert p["policy"]["policy-string"] == ["version: STSv1", "mode: enforce", "mx: mx-name.mail.test", "max_age: 86400"], p
assert p["policy"]["mx-host"] == ["mx-name.mail.test"], p
d = p["failure-details"][0]
assert d["result-type"] == "validation-failure" and d["failure-reason-code"] == "sts-mx-mismatch", d
assert d["receiving-mx-hostname"] == "plain.mail.test" and d["receiving-ip"] == "127.0.0.38", d
assert p["summary"]["total-failure-session-count"] >= 1 and p["summary"]["total-successful-session-count"] == 0, p
' <<<"$(rpt nomx.sealpost.test)"
check "… a certificate without the MX name: certificate-host-mismatch" \
  bash -c 'grep -q "\"result-type\": \"certificate-host-mismatch\"" <<<"$1"' _ "$(rpt nocert.sealpost.test)"
check "… a verified session counts as successful under its sts policy" \
  bash -c 'grep -q "\"policy-type\": \"sts\"" <<<"$1" && grep -q "\"total-successful-session-count\": [1-9]" <<<"$1"' _ "$(rpt enf.sealpost.test)"
check "… where the reports go: the domain's _smtp._tls rua, recorded by delivery (rua.tsv)" \
  grep -qE "^[^!]+!enf.sealpost.test![0-9]+![0-9]+.json	mailto:tlsrpt@enf.sealpost.test$" "$work/rpt/rua.tsv"
check "… a failed fetch: no-policy-found with sts-policy-fetch-error / sts-webpki-invalid" \
  bash -c 'grep -q "\"result-type\": \"sts-policy-fetch-error\"" <<<"$1" && grep -q "\"policy-type\": \"no-policy-found\"" <<<"$1" && grep -q "\"result-type\": \"sts-webpki-invalid\"" <<<"$2"' \
  _ "$(rpt s404.sealpost.test)" "$(rpt wrongname.sealpost.test)"
check "no message went out in clear to a domain whose policy was enforced" test "$(sink_count)" -eq "$((sink_before + 2))"

finish
