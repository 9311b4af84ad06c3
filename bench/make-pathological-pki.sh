#!/usr/bin/env bash
# Certificates for the pathological chain-validation benchmarks (bench/policy_bench.cpp):
#   crowd-anchors.pem  100 self-signed CAs with one subject, each its own key
#   crowd-chain.pem    a leaf naming that subject as issuer, signed by none of them, and 15
#                      more certificates of the same subject (16 presented, the limit)
#   nc-root.pem        a root with 1,000 permitted dNSName subtrees
#   nc-leaf.pem        a leaf under it with 100 SAN names, all in the last subtree
# Usage: make-pathological-pki.sh OUTDIR. Issued at 2025-01-01, valid ten years.
set -euo pipefail
out=${1:?usage: make-pathological-pki.sh OUTDIR}
mkdir -p "$out"
cd "$out"
at() { faketime -f '2025-01-01 00:00:00' "$@"; }
ca='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign
subjectKeyIdentifier=hash'
leaf='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always'
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
selfsigned() {  # KEY SUBJECT EXT OUT
  openssl req -new -key "$1" -subj "$2" -out tmp.csr
  at openssl x509 -req -in tmp.csr -signkey "$1" -days 3652 -set_serial $((RANDOM + 1)) \
    -extfile <(printf '[x]\n%s\n' "$3") -extensions x -out "$4" 2>/dev/null
}
issued() {  # KEY SUBJECT CA.pem CA.key EXT OUT
  openssl req -new -key "$1" -subj "$2" -out tmp.csr
  at openssl x509 -req -in tmp.csr -CA "$3" -CAkey "$4" -days 3652 -set_serial $((RANDOM + 1)) \
    -extfile <(printf '[x]\n%s\n' "$5") -extensions x -out "$6" 2>/dev/null
}
: > crowd-anchors.pem
for i in $(seq 1 100); do
  key c.key
  selfsigned c.key "/O=Sealpost Tests/CN=Crowded CA" "$ca" c.pem
  cat c.pem >> crowd-anchors.pem
  [ "$i" -le 15 ] && cat c.pem >> crowd-others.pem
done
key hidden.key
selfsigned hidden.key "/O=Sealpost Tests/CN=Crowded CA" "$ca" hidden.pem
key l.key
issued l.key "/O=Sealpost Tests/CN=mx.crowd.test" hidden.pem hidden.key "$leaf
subjectAltName=DNS:mx.crowd.test" crowd-leaf.pem
cat crowd-leaf.pem crowd-others.pem > crowd-chain.pem

trees=$(for i in $(seq 0 999); do printf 'permitted;DNS:d%d.example.test,' "$i"; done)
key nc.key
selfsigned nc.key "/O=Sealpost Tests/CN=Constrained Root" "$ca
nameConstraints=critical,${trees%,}" nc-root.pem
sans=$(for i in $(seq 0 99); do printf 'DNS:h%d.d999.example.test,' "$i"; done)
key l.key
issued l.key "/O=Sealpost Tests/CN=h0.d999.example.test" nc-root.pem nc.key "$leaf
subjectAltName=${sans%,}" nc-leaf.pem
rm -f tmp.csr c.pem crowd-others.pem hidden.pem ./*.key
