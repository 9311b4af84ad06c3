#!/usr/bin/env bash
# Makes the test PKI with openssl (a third-party tool, so a bug of ours is not copied into the
# expected answers). Every certificate is issued at a fixed time under faketime, so tests
# validate at a fixed time (2026-01-01T00:00:00Z) and get the same answer every day.
# Usage: make-test-pki.sh OUTDIR. Writes OUTDIR/NAME.pem (certificate), NAME.key, and
# NAME-chain.pem (leaf + intermediate) for each leaf. Private keys stay in OUTDIR (a build dir).
set -euo pipefail
out=${1:?usage: make-test-pki.sh OUTDIR}
mkdir -p "$out"
cd "$out"
issued='2025-01-01 00:00:00'   # certificates valid 2025-01-01 .. 2035-01-01 unless said otherwise
serial=4096

cat > openssl.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[v3_leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
[v3_leaf_nosan]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = $ENV::SAN
CNF
export SAN=DNS:unused

# -f: a frozen clock; without it faketime only starts there, and a loaded machine can tick past
# the second, changing validity dates that golden outputs quote.
at() { faketime -f "$1" "${@:2}"; }
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }

# root NAME CN [ISSUED] [DAYS]
root() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
  at "${3:-$issued}" openssl req -x509 -new -key "$1.key" -subj "/O=Sealpost Tests/CN=$2" -config openssl.cnf \
    -extensions v3_ca -days "${4:-7300}" -set_serial $((serial++)) -out "$1.pem"
}
# sign NAME CN ISSUER_NAME EXTENSIONS [ISSUED] [DAYS] [KEYTYPE]
sign() {
  if [ "${7:-ec}" = rsa1024 ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$1.key" 2>/dev/null
  else
    ec_key "$1"
  fi
  openssl req -new -key "$1.key" -subj "/O=Sealpost Tests/CN=$2" -config openssl.cnf -out "$1.csr"
  at "${5:-$issued}" openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -set_serial $((serial++)) \
    -days "${6:-3652}" -extfile openssl.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr"
}
# leaf NAME CN SAN [ISSUER] [ISSUED] [DAYS] [KEYTYPE]: a server certificate and NAME-chain.pem
leaf() {
  local ext=v3_leaf issuer=${4:-intermediate}
  if [ -z "$3" ]; then ext=v3_leaf_nosan; else export SAN=$3; fi
  sign "$1" "$2" "$issuer" "$ext" "${5:-$issued}" "${6:-3652}" "${7:-ec}"
  cat "$1.pem" "$issuer.pem" > "$1-chain.pem"
}

root root "Sealpost Test Root CA"
sign intermediate "Sealpost Test Intermediate CA" root v3_ca
root other-root "Untrusted Other Root CA"
sign other-intermediate "Untrusted Other Intermediate CA" other-root v3_ca
# An intermediate that expired in 2020, with a leaf it issued then (valid to 2030).
sign expired-intermediate "Expired Intermediate CA" root v3_ca '2020-01-01 00:00:00' 30

# TLS-POLICY.md §10: CN and SAN *.emailhosted.not plus SAN emailhosted.not.
leaf hosted '*.emailhosted.not' 'DNS:*.emailhosted.not,DNS:emailhosted.not'
leaf mx1 mx1.example.com 'DNS:mx1.example.com'
leaf wildcard '*.example.com' 'DNS:*.example.com'
leaf cn-only mx.cnonly.example ''
leaf expired mx.expired.example 'DNS:mx.expired.example' intermediate '2020-01-01 00:00:00' 30
leaf not-yet mx.future.example 'DNS:mx.future.example' intermediate '2027-01-01 00:00:00'
leaf untrusted mx.untrusted.example 'DNS:mx.untrusted.example' other-intermediate
leaf under-expired mx.underexpired.example 'DNS:mx.underexpired.example' expired-intermediate '2020-01-05 00:00:00'
leaf ip-san localhost 'DNS:localhost,IP:127.0.0.5,IP:::1'
leaf weak-key mx.weak.example 'DNS:mx.weak.example' intermediate "$issued" 3652 rsa1024
export SAN='DNS:mx.client.example'
sign client-only mx.client.example intermediate v3_client
cat client-only.pem intermediate.pem > client-only-chain.pem
# Impostors: the real intermediate's subject DN on other keys (issued by the untrusted root).
for i in 1 2 3; do sign "impostor$i" "Sealpost Test Intermediate CA" other-root v3_ca; done
cat impostor1.pem impostor2.pem impostor3.pem > impostors.pem
# A leaf that signs itself.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out self-signed.key 2>/dev/null
SAN='DNS:mx.selfsigned.example' at "$issued" openssl req -x509 -new -key self-signed.key \
  -subj "/O=Sealpost Tests/CN=mx.selfsigned.example" -config openssl.cnf -extensions v3_leaf -days 3652 \
  -set_serial $((serial++)) -out self-signed.pem
cp self-signed.pem self-signed-chain.pem
# SMTP peers of the mail.test zone (tests/support/smtp-peers.sh): one certificate each.
leaf mx-name mx-name.mail.test 'DNS:mx-name.mail.test'
leaf mail-wildcard '*.mail.test' 'DNS:*.mail.test'
leaf mail-cn-only cnonly.mail.test ''
leaf mail-expired expired.mail.test 'DNS:expired.mail.test' intermediate '2020-01-01 00:00:00' 30
leaf mail-untrusted untrusted.mail.test 'DNS:untrusted.mail.test' other-intermediate
leaf ptr-host ptr-host.mail.test 'DNS:ptr-host.mail.test'
leaf submission smtp.mail.test 'DNS:smtp.mail.test,DNS:smtps.mail.test'
# Internationalized recipient domains bücher.mail.test and café.mail.test, named only in
# A-label form (a dNSName is ASCII, RFC 9525 §6.3); neither MX host name is in it.
leaf mail-idn xn--bcher-kva.mail.test 'DNS:xn--bcher-kva.mail.test,DNS:xn--caf-dma.mail.test'
# MTA-STS policy hosts (tests/sts/mta-sts-fetch.sh, tests/relay/relay-mta-sts-e2e.sh, relay-dane-e2e.sh);
# mta-sts.wrongname is left out on purpose.
leaf mta-sts mta-sts.sts.sealpost.test 'DNS:mta-sts.sts.sealpost.test,DNS:mta-sts.crlf.sealpost.test,DNS:mta-sts.s404.sealpost.test,DNS:mta-sts.s301.sealpost.test,DNS:mta-sts.ctype.sealpost.test,DNS:mta-sts.big.sealpost.test,DNS:mta-sts.invalid.sealpost.test,DNS:mta-sts.slow.sealpost.test,DNS:mta-sts.enf.sealpost.test,DNS:mta-sts.mism.sealpost.test,DNS:mta-sts.nomx.sealpost.test,DNS:mta-sts.nocert.sealpost.test,DNS:mta-sts.testing.sealpost.test,DNS:mta-sts.strict.sealpost.test,DNS:mta-sts.off.sealpost.test,DNS:mta-sts.change.sealpost.test,DNS:mta-sts.notls.sealpost.test,DNS:mta-sts.both.mail.test'
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out mail-self-signed.key 2>/dev/null
SAN='DNS:selfsigned.mail.test' at "$issued" openssl req -x509 -new -key mail-self-signed.key \
  -subj "/O=Sealpost Tests/CN=selfsigned.mail.test" -config openssl.cnf -extensions v3_leaf -days 3652 \
  -set_serial $((serial++)) -out mail-self-signed.pem
cp mail-self-signed.pem mail-self-signed-chain.pem
# The intermediate as a trustpoint of its own (partial chain), and the full chain to the root.
cat intermediate.pem root.pem > ca-bundle.pem
# TLSA records (RFC 6698 §2.1) for the DANE tests, computed by openssl: tlsa/NAME-U-S-M holds
# "U S M HEX" for certificate NAME (selector 0: its DER, 1: its SubjectPublicKeyInfo).
mkdir -p tlsa
selected() {  # NAME SELECTOR: the DER that the selector picks, on stdout
  if [ "$2" = 0 ]; then openssl x509 -in "$1.pem" -outform DER
  else openssl x509 -in "$1.pem" -noout -pubkey | openssl pkey -pubin -outform DER; fi
}
tlsa() {  # NAME USAGE SELECTOR MATCHING
  local data
  case $4 in
    0) data=$(selected "$1" "$3" | od -An -v -tx1 | tr -d ' \n') ;;
    1) data=$(selected "$1" "$3" | openssl dgst -sha256 -r | cut -d' ' -f1) ;;
    2) data=$(selected "$1" "$3" | openssl dgst -sha512 -r | cut -d' ' -f1) ;;
  esac
  echo "$2 $3 $4 $data" > "tlsa/$1-$2-$3-$4"
}
for m in 0 1 2; do tlsa mx1 3 1 $m; done
tlsa mx1 3 0 1
tlsa mail-expired 3 1 1
for n in mail-self-signed mail-untrusted mx-name; do tlsa "$n" 3 1 1; done
tlsa intermediate 2 1 1
tlsa intermediate 2 0 2
tlsa intermediate 3 0 1
tlsa root 2 0 0
tlsa root 2 0 1
tlsa other-intermediate 2 1 1
echo "test PKI written to $out"
