#!/usr/bin/env bash
# DANE end to end (RFC 7672; DANE-MTA-STS.md §1, §5), real peers only, loopback only: swaks →
# sealpostd → a validating unbound → nsd serving a DNSSEC-signed mail.test (signed here, at
# test time, by ldns-signzone) with TLSA records made by openssl from the Postfix peers'
# certificates (fixture `smtp`), an unsigned child zone insecure.mail.test, and one TLSA record
# whose signature no longer matches (bogus → SERVFAIL), and a TLSA zone whose signatures expired.
# Each case checks the daemon's log line, the Postfix peer's log of the message,
# its TLS outcome record, and, where DANE made TLS mandatory, that nothing reached the clear-text
# sink. Then `sealpost tlsverify` explains one DANE decision live, and the relay runs again with
# [dns] dnssec = "off".
# Usage: relay-dane-e2e.sh SEALPOSTD SEALPOST PKI_DIR   (SEALPOST_TEST_SMTP set by ctest)
set -uo pipefail
sealpostd=$1 sealpost=$2 pki=$3
. "$SEALPOST_TEST_SMTP/peers.env"
work=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
stop_dns() {
  for f in "$work/dns/unbound.pid" "$work/dns/nsd.pid"; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
  cleanup
}
trap stop_dns EXIT
port=$(free_port 127.0.0.1)
P=$SMTP_PORT
rec() { cut -d' ' -f4 "$pki/tlsa/$1"; }  # the association data of a record made by make-test-pki.sh
self=$(rec mail-self-signed-3-1-1)
inter=$(rec intermediate-2-1-1)
zero32=$(printf '%064d' 0)

# --- DNS: mail.test signed, insecure.mail.test delegated without DS -------------------------
mkdir -p "$work/dns"
cd "$work/dns" || exit 1
cat > mail.test.zone <<ZONE
\$ORIGIN mail.test.
\$TTL 30
@        IN SOA ns hostmaster 1 3600 900 604800 5
@        IN NS  ns
ns       IN A   127.0.0.1
insecure IN NS  ns
; DANE-EE 3 1 1 on a self-signed peer: verified without any chain or name check
ee       IN MX  10 mx-self
mx-self  IN A   127.0.0.35
_$P._tcp.mx-self IN TLSA 3 1 1 $self
; the first MX's TLSA does not match its certificate: next MX
ee-fail  IN MX  10 mx-bad
ee-fail  IN MX  20 mx-self
mx-bad   IN A   127.0.0.31
_$P._tcp.mx-bad IN TLSA 3 1 1 $self
; DANE-TA 2 1 1 of the intermediate: the leaf *.mail.test matches the TLSA base
ta       IN MX  10 mx-wild
mx-wild  IN A   127.0.0.32
_$P._tcp.mx-wild IN TLSA 2 1 1 $inter
; DANE-TA matches, but the leaf (mx-name.mail.test) names neither base, MX host nor domain
ta-bad   IN MX  10 ta-host
ta-host  IN A   127.0.0.31
_$P._tcp.ta-host IN TLSA 2 1 1 $inter
; only unusable records (usage 1; a 31-octet SHA-256): mandatory, unauthenticated TLS
unusable IN MX  10 mx-unusable
mx-unusable IN A 127.0.0.36
_$P._tcp.mx-unusable IN TLSA 1 1 1 $zero32
_$P._tcp.mx-unusable IN TLSA 3 1 1 ${zero32:2}
; the same towards a server without STARTTLS: never clear text
unusable-plain IN MX 10 mx-plain
mx-plain IN A   127.0.0.38
_$P._tcp.mx-plain IN TLSA 0 1 1 $zero32
; a TLSA record whose signature is broken after signing: bogus, SERVFAIL
bogus    IN MX  10 mx-bogus
mx-bogus IN A   127.0.0.35
_$P._tcp.mx-bogus IN TLSA 3 1 1 $zero32
; the TLSA owner's zone has expired signatures (its DS is here): SERVFAIL
exp      IN MX  10 mx-exp
mx-exp   IN A   127.0.0.35
_tcp.mx-exp IN NS ns
; a secure CNAME into the unsigned zone: TLSA at the original name
cname    IN MX  10 alias
alias    IN CNAME h.insecure
_$P._tcp.alias IN TLSA 3 1 1 $self
; a secure CNAME to a signed host: the expanded name is the TLSA base
cname2   IN MX  10 alias2
alias2   IN CNAME mx-self
; TLSA published, but dane = off for the domain
off      IN MX  10 mx-self
; DANE and MTA-STS on one domain: the policy's mx patterns leave mx-self out, DANE decides
both     IN MX  10 mx-self
_mta-sts.both IN TXT "v=STSv1; id=1"
mta-sts.both IN A 127.0.0.50
; signed, no TLSA at all
notlsa   IN MX  10 mx-notlsa
mx-notlsa IN A  127.0.0.31
ZONE
cat > insecure.mail.test.zone <<ZONE
\$ORIGIN insecure.mail.test.
\$TTL 30
@        IN SOA ns.mail.test. hostmaster.mail.test. 1 3600 900 604800 5
@        IN NS  ns.mail.test.
; an unsigned MX RRset naming a signed host with TLSA
@        IN MX  10 mx-self.mail.test.
skip     IN MX  10 mx-self.mail.test.
h        IN A   127.0.0.35
ZONE
cat > expired.zone <<ZONE
\$ORIGIN _tcp.mx-exp.mail.test.
\$TTL 30
@        IN SOA ns.mail.test. hostmaster.mail.test. 1 3600 900 604800 5
@        IN NS  ns.mail.test.
_$P      IN TLSA 3 1 1 $self
ZONE
# Signed for a window that ended ten days ago (RFC 4035 §5.3.1: such signatures do not
# validate). Not yesterday: unbound forgives a tenth of a signature's lifetime as clock skew,
# up to val-sig-skew-max (a day), so a signature that expired a day ago sat on that edge and
# validated in one CI run here.
exp_key=$(ldns-keygen -a ECDSAP256SHA256 -k _tcp.mx-exp.mail.test) || exit 1
ldns-signzone -i "$(date -u -d '-40 days' +%Y%m%d%H%M%S)" -e "$(date -u -d '-10 days' +%Y%m%d%H%M%S)" \
  -o _tcp.mx-exp.mail.test expired.zone "$exp_key" || exit 1
cat "$exp_key.ds" >> mail.test.zone
key=$(ldns-keygen -a ECDSAP256SHA256 -k mail.test) || exit 1
ldns-signzone -o mail.test mail.test.zone "$key" || exit 1
# Bogus: the signed zone serves another RDATA than the one signed (TEST-RIG.md).
sed -i "s/^\(_$P\._tcp\.mx-bogus\.mail\.test\..*TLSA.*3 1 1 \)0\{64\}/\1$(printf '%064d' 1)/" mail.test.zone.signed
grep -q "mx-bogus.*$(printf '%064d' 1)" mail.test.zone.signed || { echo "could not break the TLSA signature"; exit 1; }
ds=$(tr '\t\n' '  ' < "$key.ds")

nsd_port=$(free_port 127.0.0.1)
nsd_conf "$work/dns" "$nsd_port" mail.test:mail.test.zone.signed insecure.mail.test:insecure.mail.test.zone \
  _tcp.mx-exp.mail.test:expired.zone.signed
nsd -c "$work/dns/nsd.conf" || { cat nsd.log; exit 1; }
ub_port=$(free_port 127.0.0.1)
cat > unbound.conf <<CF
server:
  interface: 127.0.0.1@$ub_port
  port: $ub_port
  username: ""
  chroot: ""
  directory: "$work/dns"
  pidfile: "$work/dns/unbound.pid"
  logfile: "$work/dns/unbound.log"
  use-syslog: no
  num-threads: 1
  do-not-query-localhost: no
  module-config: "validator iterator"
  local-zone: "test." nodefault
  trust-anchor: "$ds"
  qname-minimisation: no
  val-log-level: 2
  cache-max-ttl: 5
  cache-max-negative-ttl: 5
remote-control:
  control-enable: no
stub-zone:
  name: "mail.test"
  stub-addr: 127.0.0.1@$nsd_port
stub-zone:
  name: "insecure.mail.test"
  stub-addr: 127.0.0.1@$nsd_port
stub-zone:
  name: "_tcp.mx-exp.mail.test"
  stub-addr: 127.0.0.1@$nsd_port
CF
unbound -c "$work/dns/unbound.conf" || { cat unbound.log; exit 1; }
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$ub_port") 2>/dev/null && break; sleep 0.05; done
cd "$work" || exit 1

# --- an MTA-STS policy server (tests/sts/policy_server.py) for both.mail.test -------------------
mkdir -p "$work/policies"
printf 'version: STSv1\nmode: enforce\nmx: nothing.example\nmax_age: 86400\n' > "$work/policies/both"
policy_server "$work/policies"

# --- the relay ---------------------------------------------------------------------------------
mkdir -p "$work/etc/trust"
cp "$pki/ca-bundle.pem" "$work/etc/trust/test-ca.pem"
relay_config() {  # DNSSEC
  cat > "$work/etc/sealpost.toml" <<CF
[server]
user = "root"                              # run as root on purpose: relay-ops-e2e tests the switch
hostname = "relay.sealpost.test"
listen = ["127.0.0.1:$port"]
relay_networks = ["127.0.0.1/32"]
[spool]
directory = "spool"
[dns]
servers = ["127.0.0.1:$ub_port"]
dnssec = "$1"
[delivery]
smtp_port = $P
retry_seconds = [3600]
mta_sts_port = $sts_port
[trust]
system_bundle = false
[log]
file = "relay.log"
outcome_file = "outcome.jsonl"
debug = ["dns", "tls", "pki"]
CF
}
relay_config trust-ad
cat > "$work/etc/destconfig.toml" <<CF
[default]
tls = "preferred"
["notlsa.mail.test"]
dane = "mandatory"
["skip.insecure.mail.test"]
dane-insecure-mx = "skip"
["off.mail.test"]
dane = "off"
CF
log=$work/etc/relay.log
outcome_has() {  # DOMAIN PATTERN: an outcome record for DOMAIN matches PATTERN (grep BRE)
  grep "\"recipient_domain\":\"$1\"" "$work/etc/outcome.jsonl" | grep -q -- "$2"
}
# The Postfix peer logged the message the relay says it took ("queued as ID").
peer_received() {  # DOMAIN
  local id
  id=$(grep -E "to=<[^>]*@$1> .*status=sent .*queued as [0-9A-F]+" "$log" | tail -1 | sed -E 's/.*queued as ([0-9A-F]+).*/\1/')
  [ -n "$id" ] && grep -q "$id: " "$SEALPOST_TEST_SMTP/maillog"
}
delivered() {  # DESCRIPTION DOMAIN HOST IP TLS-REGEX [LOCAL-PART]: sent there, with that tls=, and received
  send "${6:-rcpt}@$2" > /dev/null
  check "$1" wait_log "to=<${6:-rcpt}@$2> relay=$3\[$4\]:[0-9]+ tls=$5 status=sent"
  check "… and the Postfix peer at $4 received it" peer_received "$2"
}
deferred() {  # DESCRIPTION DOMAIN REASON-REGEX [LOCAL-PART]
  send "${4:-rcpt}@$2" > /dev/null
  check "$1" wait_log "to=<${4:-rcpt}@$2> .* status=deferred \($3"
}
start
sink_before=$(ls "$SEALPOST_TEST_SMTP/sink" | wc -l)

delivered "DANE-EE 3 1 1 match: delivered to a self-signed server, dane-verified(dane-ee)" \
  ee.mail.test mx-self.mail.test 127.0.0.35 'dane-verified\(dane-ee\)'
check "… debug pki: the DANE state, base and verdict" \
  wait_log 'debug pki: [0-9A-F]{16}: mx-self.mail.test\[127.0.0.35\]:[0-9]+ DANE usable, MX secure, TLSA base mx-self.mail.test \(secure\), 1 record\(s\); matched DANE-EE'
check "… outcome: state usable, MX secure, TLSA base, the record matched at depth 0" \
  outcome_has ee.mail.test "\"dane\":{.*\"matched\":{\"depth\":0,\"record\":\"3 1 1 ${self^^}\"}.*\"mx_secure\":true.*\"state\":\"usable\".*\"tlsa_base\":\"mx-self.mail.test\".*\"verified\":true"

delivered "DANE-EE mismatch on MX 1: the next MX, verified there" \
  ee-fail.mail.test mx-self.mail.test 127.0.0.35 'dane-verified\(dane-ee\)'
check "… MX 1's outcome: stage dane, next-host, 4.7.5 not trusted by the TLSA records" \
  outcome_has ee-fail.mail.test "\"host\":\"mx-bad.mail.test\".*\"result\":\"next-host\".*\"stage\":\"dane\".*\"status\":\"4.7.5\""

delivered "DANE-TA 2 1 1 with the name check passing (rule dane-ta:tlsa-base)" \
  ta.mail.test mx-wild.mail.test 127.0.0.32 'dane-verified\(dane-ta:tlsa-base\)'
check "… matched the intermediate at depth 1" \
  outcome_has ta.mail.test "\"matched\":{\"depth\":1,\"record\":\"2 1 1 "

deferred "DANE-TA with the name check failing: deferred 4.7.5" \
  ta-bad.mail.test '4.7.5 certificate not trusted by the TLSA records of ta-host.mail.test'
check "… the reason says which names failed" \
  outcome_has ta-bad.mail.test "but the name check failed: no DNS-ID matched"

delivered "only unusable TLSA records: delivered encrypted, unauthenticated (tls=dane-encrypt)" \
  unusable.mail.test mx-unusable.mail.test 127.0.0.36 'dane-encrypt'
check "… outcome lists why each record is unusable" \
  outcome_has unusable.mail.test "\"state\":\"unusable\".*\"unusable\":\[.*\"1 1 1 0\{64\}: usage 1 (PKIX) is not for SMTP (RFC 7672 §3.1.3)\""
check "… (both, in the RRset's order)" outcome_has unusable.mail.test "\"unusable\":\[.*\"3 1 1 0\{62\}: a SHA-256 digest of 31 octets\""

deferred "unusable TLSA and no STARTTLS: deferred 4.7.4, TLS was mandatory" \
  unusable-plain.mail.test '4.7.4 TLS is required, but was not offered by mx-plain.mail.test'
check "… nothing reached the clear-text sink" test "$(ls "$SEALPOST_TEST_SMTP/sink" | wc -l)" -eq "$sink_before"

deferred "bogus TLSA (SERVFAIL from the validating resolver): deferred 4.7.5 TLSA lookup error" \
  bogus.mail.test "4.7.5 TLSA lookup error for mx-bogus.mail.test\[127.0.0.35\]:$P"
check "… never connected: outcome at stage tlsa-lookup, state tempfail" \
  outcome_has bogus.mail.test "\"state\":\"tempfail\".*\"stage\":\"tlsa-lookup\""

deferred "TLSA in a zone whose signatures expired: deferred 4.7.5 TLSA lookup error" \
  exp.mail.test "4.7.5 TLSA lookup error for mx-exp.mail.test\[127.0.0.35\]:$P"

delivered "unsigned MX RRset, signed host with TLSA (dane-insecure-mx = dane): dane-verified(dane-ee, half)" \
  insecure.mail.test mx-self.mail.test 127.0.0.35 'dane-verified\(dane-ee, half\)'
delivered "… with dane-insecure-mx = skip: no DANE, the preferred setting (encrypted, unverified)" \
  skip.insecure.mail.test mx-self.mail.test 127.0.0.35 'encrypted, unverified'

delivered "secure CNAME into an unsigned zone: TLSA at the original name (base alias.mail.test)" \
  cname.mail.test alias.mail.test 127.0.0.35 'dane-verified\(dane-ee\)'
check "… outcome names the base" outcome_has cname.mail.test "\"tlsa_base\":\"alias.mail.test\""
delivered "secure CNAME to a signed host: delivered by DANE" \
  cname2.mail.test alias2.mail.test 127.0.0.35 'dane-verified\(dane-ee\)'
check "… the expanded name is the TLSA base" outcome_has cname2.mail.test "\"tlsa_base\":\"mx-self.mail.test\""

deferred "dane = mandatory without TLSA: deferred 4.7.5, never connected" \
  notlsa.mail.test '4.7.5 DANE is required, but mx-notlsa.mail.test\[127.0.0.31\]:[0-9]+ has no usable TLSA record'
delivered "dane = off: the TLSA records are ignored, the preferred setting alone (encrypted, unverified)" \
  off.mail.test mx-self.mail.test 127.0.0.35 'encrypted, unverified'

delivered "DANE and an enforced MTA-STS policy that leaves the host out: DANE decides (RFC 8461 §2)" \
  both.mail.test mx-self.mail.test 127.0.0.35 'dane-verified\(dane-ee\)'
check "… outcome: the policy is recorded, not evaluated, DANE decides" \
  outcome_has both.mail.test '"mta_sts":{"cache_age":[0-9]*,"dane_decides":true,"enforced":false,.*"result":"not-evaluated"'

# tlsverify explains the decision, live, through the same resolver.
out=$("$sealpost" --etc "$work/etc" tlsverify ee.mail.test --port "$P" --dns-server "127.0.0.1:$ub_port" --dnssec trust-ad 2>&1)
check "tlsverify (live): DANE state, TLSA base, the record and the rule; exit 0" \
  bash -c 'grep -q "state:      usable" <<<"$1" && grep -q "TLSA base:  mx-self.mail.test (secure)" <<<"$1" && grep -q "rule:       dane-ee" <<<"$1"' _ "$out"
"$sealpost" --etc "$work/etc" tlsverify ee.mail.test --port "$P" --dns-server "127.0.0.1:$ub_port" --dnssec trust-ad > /dev/null 2>&1
check "… exit status 0 (verified by DANE)" test $? -eq 0
"$sealpost" --etc "$work/etc" tlsverify ee.mail.test --port "$P" --dns-server "127.0.0.1:$ub_port" --dnssec off > /dev/null 2>&1
check "… with --dnssec off: the self-signed certificate is not verified (exit 1)" test $? -eq 1

status=$("$sealpost" --etc "$work/etc" status 2>&1)
check "sealpost status counts DANE outcomes per setting (states and matches)" \
  bash -c 'grep -qE "dane:usable[ =:]+[1-9]" <<<"$1" && grep -qE "dane:verified[ =:]+[1-9]" <<<"$1" && grep -qE "dane:tempfail[ =:]+2" <<<"$1"' _ "$status"

# [dns] dnssec = "off": DANE is inert (said once at start), mandatory destinations defer.
kill "$pid"; wait "$pid" 2>/dev/null; pid=
relay_config off
start
check "dnssec = off: the start says DANE is inert" wait_log 'DANE is inert: \[dns\] dnssec = "off"'
delivered "… opportunistic DANE ignored: the preferred setting (encrypted, unverified)" \
  ee.mail.test mx-self.mail.test 127.0.0.35 'encrypted, unverified' rcpt2
deferred "… mandatory DANE defers, naming the setting" \
  notlsa.mail.test '4.7.5 DANE is required, but .*\[dns\] dnssec is off' rcpt2
check "no message went out in clear where DANE made TLS mandatory" test "$(ls "$SEALPOST_TEST_SMTP/sink" | wc -l)" -eq "$sink_before"

finish
