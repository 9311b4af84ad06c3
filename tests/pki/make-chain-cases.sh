#!/usr/bin/env bash
# Makes the certificates of tests/data/chain_cases.tsv with openssl (and tests/pki/der_edit.py
# for the duplicate extension that openssl's CLI folds away): one root, intermediate or leaf
# per NAME.pem, each class of issue 11 (RFC 5280 §6.1, the CA/B profile) a few certificates.
# Every certificate is issued at 2025-01-01 under faketime, valid ten years, and validated
# at 2026-01-01 by tests/tls/chain_cases_test.cpp. Usage: make-chain-cases.sh OUTDIR.
set -euo pipefail
out=${1:?usage: make-chain-cases.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
cd "$out"
serial=8192
# ISSUED and DAYS (environment) change one certificate's validity: ISSUED=2015-01-01 DAYS=365 cert …
at() { faketime -f "${ISSUED:-2025-01-01 00:00:00}" "$@"; }

# key NAME TYPE: ec (P-256), p384, p521, rsa2048, rsa2052, p192, dsa, explicit (P-256 with explicit parameters)
key() {
  case "$2" in
    ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
    p192) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-192 -out "$1.key" ;;
    p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
    p521) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out "$1.key" ;;
    rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
    rsa2052) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2052 -out "$1.key" ;;
    dsa) openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 -out dsa.param
         openssl genpkey -paramfile dsa.param -out "$1.key" ;;
    explicit) openssl ecparam -name prime256v1 -param_enc explicit -genkey -noout -out "$1.key" ;;
  esac 2>/dev/null
}

ca_ext='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash'
int_ext="$ca_ext
authorityKeyIdentifier=keyid:always"
leaf_ext='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always'

# cert NAME SUBJECT ISSUER EXTENSIONS [KEYTYPE] [SERIAL]: ISSUER "self" for a root; the
# key of NAME is reused when NAME.key exists (a renewed or cross-signed copy of one CA).
# SECTIONS (environment): a file of openssl config sections the extensions refer to;
# DIGEST: the signature's hash (default sha256).
cert() {
  local name=$1 subj=$2 issuer=$3 ext=$4 type=${5:-ec} ser=${6:-$((serial++))}
  local signer=(-CA "$issuer.pem" -CAkey "$issuer.key")
  [ "$issuer" = self ] && signer=(-signkey "$name.key")
  [ -f "$name.key" ] || key "$name" "$type"
  printf '[x]\n%s\n' "$ext" > "$name.ext"
  [ -n "${SECTIONS:-}" ] && cat "$SECTIONS" >> "$name.ext"
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr" 2>/dev/null
  at openssl x509 -req -in "$name.csr" "${signer[@]}" -"${DIGEST:-sha256}" -days "${DAYS:-3652}" -set_serial "$ser" \
    -extfile "$name.ext" -extensions x -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
# leaf NAME ISSUER SAN [EXTRA] [KEYTYPE] [SERIAL] [CN]
leaf() {
  local ext=$leaf_ext
  [ -n "$3" ] && ext="$ext
subjectAltName=$3"
  [ -n "${4:-}" ] && ext="$ext
$4"
  cert "$1" "/O=Sealpost Tests/CN=${7:-mx.example.test}" "$2" "$ext" "${5:-ec}" "${6:-$((serial++))}"
}

cert root "/O=Sealpost Tests/CN=Case Root" self "$ca_ext"
cert int "/O=Sealpost Tests/CN=Case Intermediate" root "$int_ext"
leaf ok int DNS:mx.example.test
leaf ok-rsa int DNS:mx.example.test '' rsa2048
# Signatures with SHA-1 (RFC 9155, CA/B BR §7.1.3.2) no longer hold, ECDSA or RSA.
DIGEST=sha1 leaf sig-sha1-ecdsa int DNS:mx.example.test
cert rsa-int "/O=Sealpost Tests/CN=Case RSA Intermediate" root "$int_ext" rsa2048
leaf sig-sha256-rsa rsa-int DNS:mx.example.test
DIGEST=sha1 leaf sig-sha1-rsa rsa-int DNS:mx.example.test

# 1. Name constraints, in the root and in intermediates (RFC 5280 §4.2.1.10).
nc_root() { cert "$1" "/O=Sealpost Tests/CN=$1" self "$ca_ext
nameConstraints=critical,$2"; }
nc_int() { cert "$1" "/O=Sealpost Tests/CN=$1" "${3:-root}" "$int_ext
nameConstraints=critical,$2"; }
nc_root nc-root-dns 'permitted;DNS:example.test'
leaf nc-root-dns-in nc-root-dns DNS:mx.example.test
leaf nc-root-dns-out nc-root-dns DNS:mx.other.test '' ec '' mx.other.test
nc_int nc-int-excl 'excluded;DNS:bad.example.test'
leaf nc-int-excl-hit nc-int-excl DNS:mx.bad.example.test '' ec '' mx.bad.example.test
leaf nc-int-excl-miss nc-int-excl DNS:mx.example.test
nc_int nc-int-ip 'permitted;IP:192.0.2.0/255.255.255.0'
leaf nc-int-ip-in nc-int-ip DNS:mx.example.test,IP:192.0.2.5
leaf nc-int-ip-out nc-int-ip DNS:mx.example.test,IP:198.51.100.5
nc_root nc-root-ip-excl 'excluded;IP:10.0.0.0/255.0.0.0'
leaf nc-root-ip-excl-hit nc-root-ip-excl DNS:mx.example.test,IP:10.1.2.3
nc_int nc-int-ip6 'permitted;IP:2001:db8::/ffff:ffff::'
leaf nc-int-ip6-in nc-int-ip6 DNS:mx.example.test,IP:2001:db8::5
leaf nc-int-ip6-out nc-int-ip6 DNS:mx.example.test,IP:2001:db9::5
cat > dn.cnf <<'CNF'
[dn_ok]
O = Sealpost Tests
[dn_other]
O = Other Org
CNF
nc_dn() {  # NAME permitted|excluded SECTION [self: a root]
  local issuer=root ext=$int_ext
  [ "${4:-}" = self ] && issuer=self ext=$ca_ext
  SECTIONS=dn.cnf cert "$1" "/O=Sealpost Tests/CN=$1" "$issuer" "$ext
nameConstraints=critical,$2;dirName:$3"
}
nc_dn nc-dn-perm permitted dn_ok
leaf nc-dn-perm-in nc-dn-perm DNS:mx.example.test
nc_dn nc-dn-other permitted dn_other
leaf nc-dn-other-out nc-dn-other DNS:mx.example.test
nc_dn nc-dn-excl excluded dn_ok
leaf nc-dn-excl-hit nc-dn-excl DNS:mx.example.test
nc_dn nc-root-dn permitted dn_ok self
leaf nc-root-dn-in nc-root-dn DNS:mx.example.test
nc_dn nc-root-dn-other permitted dn_other self
leaf nc-root-dn-out nc-root-dn-other DNS:mx.example.test
nc_root nc-root-dns-excl 'excluded;DNS:bad.example.test'
leaf nc-root-dns-excl-hit nc-root-dns-excl DNS:mx.bad.example.test '' ec '' mx.bad.example.test
nc_int nc-int-ip-excl 'excluded;IP:192.0.2.0/255.255.255.0'
leaf nc-int-ip-excl-hit nc-int-ip-excl DNS:mx.example.test,IP:192.0.2.9
# Two constraints on one path: each narrows, none widens.
nc_int nc-narrow 'permitted;DNS:sub.example.test' nc-root-dns
leaf nc-narrow-out nc-narrow DNS:mx.example.test
leaf nc-narrow-in nc-narrow DNS:mx.sub.example.test '' ec '' mx.sub.example.test
nc_root nc-root-sub 'permitted;DNS:sub.example.test'
nc_int nc-widen 'permitted;DNS:example.test' nc-root-sub
leaf nc-widen-out nc-widen DNS:mx.example.test
# Wildcards and CN-only leaves (the CN is a host name: checked as a dNSName).
leaf nc-wild-in nc-root-dns 'DNS:*.example.test' '' ec '' '*.example.test'
leaf nc-wild-excl nc-int-excl 'DNS:*.bad.example.test' '' ec '' '*.bad.example.test'
leaf nc-wild-excl-below nc-int-excl 'DNS:*.example.test' '' ec '' '*.example.test'
nc_int nc-int-mx 'permitted;DNS:mx.example.test'
leaf nc-wild-wider nc-int-mx 'DNS:*.example.test' '' ec '' '*.example.test'
leaf nc-cn-only-out nc-root-dns '' '' ec '' mx.other.test
leaf nc-cn-only-in nc-root-dns '' '' ec '' mx.example.test
leaf nc-cn-beside-san nc-root-dns DNS:mx.example.test '' ec '' bank.other.test
# Malformed subtrees, and a constraint type Sealpost cannot check.
nc_int nc-dot 'permitted;DNS:.example.test'
leaf nc-dot-leaf nc-dot DNS:mx.example.test
nc_int nc-star 'permitted;DNS:*.example.test'
leaf nc-star-leaf nc-star DNS:mx.example.test
nc_int nc-email 'permitted;email:example.test'
leaf nc-email-carried nc-email DNS:mx.example.test,email:postmaster@example.test
leaf nc-email-absent nc-email DNS:mx.example.test
leaf nc-in-leaf int DNS:mx.example.test 'nameConstraints=critical,permitted;DNS:example.test'

# 2. Critical extensions not understood; a duplicate extension (RFC 5280 §4.2).
unknown='1.3.6.1.4.1.55555.1=critical,ASN1:UTF8String:must understand'
leaf crit-leaf int DNS:mx.example.test "$unknown"
leaf noncrit-leaf int DNS:mx.example.test '1.3.6.1.4.1.55555.1=ASN1:UTF8String:may ignore'
cert crit-int "/O=Sealpost Tests/CN=crit-int" root "$int_ext
$unknown"
leaf crit-int-leaf crit-int DNS:mx.example.test
cert crit-root "/O=Sealpost Tests/CN=crit-root" self "$ca_ext
$unknown"
leaf crit-root-leaf crit-root DNS:mx.example.test
# A second subjectAltName: made as 2.5.29.99, renamed 2.5.29.17 and signed again.
leaf dup-src int DNS:mx.example.test '2.5.29.99=DER:3011820f6d782e6578616d706c652e74657374'
python3 "$here/der_edit.py" dup-src.pem dup-leaf.pem int.key 0603551d63 0603551d11

# 3. Roles.
leaf role-ca-leaf int DNS:mx.example.test 'basicConstraints=critical,CA:TRUE'
leaf role-certsign-leaf int DNS:mx.example.test 'keyUsage=critical,digitalSignature,keyCertSign'
key role-v1 ec
openssl req -new -key role-v1.key -subj "/O=Sealpost Tests/CN=mx.example.test" -out role-v1.csr 2>/dev/null
at openssl x509 -req -in role-v1.csr -CA int.pem -CAkey int.key -days 3652 -set_serial $((serial++)) -out role-v1.pem 2>/dev/null
rm -f role-v1.csr
cert role-empty-ca / root "$int_ext"
leaf role-empty-ca-leaf role-empty-ca DNS:mx.example.test
cert role-bc-noncrit "/O=Sealpost Tests/CN=role-bc-noncrit" self 'basicConstraints=CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash'
leaf role-bc-noncrit-leaf role-bc-noncrit DNS:mx.example.test
cert role-ku-nosign "/O=Sealpost Tests/CN=role-ku-nosign" self 'basicConstraints=critical,CA:TRUE
keyUsage=critical,digitalSignature,cRLSign
subjectKeyIdentifier=hash'
cp role-ku-nosign.key role-ku-nosign-signer.key
leaf role-ku-nosign-leaf role-ku-nosign DNS:mx.example.test
cert role-not-ca "/O=Sealpost Tests/CN=role-not-ca" root 'basicConstraints=critical,CA:FALSE
keyUsage=critical,keyCertSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always'
leaf role-not-ca-leaf role-not-ca DNS:mx.example.test

# 4. Keys.
leaf key-dsa int DNS:mx.example.test '' dsa
leaf key-p192 int DNS:mx.example.test '' p192
leaf key-rsa2052 int DNS:mx.example.test '' rsa2052
leaf key-explicit int DNS:mx.example.test '' explicit
cert key-p384-root "/O=Sealpost Tests/CN=P-384 Root" self "$ca_ext" p384 0  # serial 0, as Starfield Root G2
cert key-p521-int "/O=Sealpost Tests/CN=P-521 Intermediate" key-p384-root "$int_ext" p521
leaf key-p384-leaf key-p521-int DNS:mx.example.test '' p384

# 5. Extended key usage (README: the verifying settings' EKU rules).
eku_leaf() {  # NAME EKU-LINE (empty: no EKU)
  local ext='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
subjectAltName=DNS:mx.example.test'
  [ -n "$2" ] && ext="$ext
$2"
  cert "$1" "/O=Sealpost Tests/CN=mx.example.test" int "$ext"
}
eku_leaf eku-none ''
eku_leaf eku-any 'extendedKeyUsage=anyExtendedKeyUsage'
eku_leaf eku-empty '2.5.29.37=DER:3000'
eku_leaf eku-critical 'extendedKeyUsage=critical,serverAuth'
eku_leaf eku-client 'extendedKeyUsage=clientAuth'
eku_leaf eku-server-client 'extendedKeyUsage=serverAuth,clientAuth'
cert eku-root "/O=Sealpost Tests/CN=eku-root" self "$ca_ext
extendedKeyUsage=serverAuth"
leaf eku-root-leaf eku-root DNS:mx.example.test
cert eku-int-client "/O=Sealpost Tests/CN=eku-int-client" root "$int_ext
extendedKeyUsage=clientAuth"
leaf eku-int-client-leaf eku-int-client DNS:mx.example.test

# 6. Path building: an expired and a renewed copy of one CA (same name and key), a
# cross-signed root, issuers of one name with other keys, many certificates of one subject.
cp int.key pb-old.key
ISSUED='2015-01-01 00:00:00' DAYS=365 cert pb-old "/O=Sealpost Tests/CN=Case Intermediate" root "$int_ext"
cert xroot "/O=Sealpost Tests/CN=Cross Root" self "$ca_ext"
cert xint "/O=Sealpost Tests/CN=Cross Intermediate" xroot "$int_ext"
leaf xleaf xint DNS:mx.example.test
cp xroot.key xroot-by-root.key
cert xroot-by-root "/O=Sealpost Tests/CN=Cross Root" root "$int_ext"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do cert "pb-impostor$i" "/O=Sealpost Tests/CN=Case Intermediate" root "$int_ext"; done
# Three CAs of four copies each (one name and key per CA, several issuers): A1–A3 expired,
# C1–C3 signed by a key that only claims the root's name. Only leaf–A4–B*–C4–root holds; each
# issuer–subject pair is checked once, so the 64-signature budget finds it.
key pb-a ec; key pb-b ec; key pb-c ec
cert pb-fake-root "/O=Sealpost Tests/CN=Case Root" self "$ca_ext"  # the root's name on another key
for i in 1 2 3 4; do
  cp pb-c.key "pb-c$i.key"
  cert "pb-c$i" "/O=Sealpost Tests/CN=PB C" "$([ "$i" = 4 ] && echo root || echo pb-fake-root)" "$int_ext"
done
for i in 1 2 3 4; do cp pb-b.key "pb-b$i.key"; cert "pb-b$i" "/O=Sealpost Tests/CN=PB B" pb-c4 "$int_ext"; done
for i in 1 2 3; do cp pb-a.key "pb-a$i.key"; ISSUED='2015-01-01 00:00:00' DAYS=365 cert "pb-a$i" "/O=Sealpost Tests/CN=PB A" pb-b4 "$int_ext"; done
cp pb-a.key pb-a4.key
cert pb-a4 "/O=Sealpost Tests/CN=PB A" pb-b4 "$int_ext"
leaf pb-leaf pb-a4 DNS:mx.example.test

# 7. Path length: a self-issued certificate (a root's key rollover) is not counted.
cert pl-root "/O=Sealpost Tests/CN=PathLen Root" self 'basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash'
key pl-rollover ec
cert pl-rollover "/O=Sealpost Tests/CN=PathLen Root" pl-root "$int_ext"
leaf pl-rollover-leaf pl-rollover DNS:mx.example.test
cert pl-int "/O=Sealpost Tests/CN=PathLen Intermediate" pl-root "$int_ext"
leaf pl-int-leaf pl-int DNS:mx.example.test

# 8. Profile: serial numbers, AKI and SKI.
leaf serial-zero int DNS:mx.example.test '' ec 0
leaf serial-negative int DNS:mx.example.test '' ec -5
leaf serial-long int DNS:mx.example.test '' ec 0x7f0102030405060708090a0b0c0d0e0f10111213141516
leaf serial-20 int DNS:mx.example.test '' ec 0x7f0102030405060708090a0b0c0d0e0f10111213
noaki='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:mx.example.test'
cert aki-missing "/O=Sealpost Tests/CN=mx.example.test" int "$noaki
subjectKeyIdentifier=none
authorityKeyIdentifier=none"
cert aki-missing-int "/O=Sealpost Tests/CN=aki-missing-int" root "$ca_ext
authorityKeyIdentifier=none"
leaf aki-missing-int-leaf aki-missing-int DNS:mx.example.test
cert aki-critical "/O=Sealpost Tests/CN=mx.example.test" int "$noaki
authorityKeyIdentifier=critical,keyid:always"
cert aki-issuer-serial "/O=Sealpost Tests/CN=mx.example.test" int "$noaki
authorityKeyIdentifier=keyid:always,issuer:always"
cert ski-critical "/O=Sealpost Tests/CN=mx.example.test" int "$noaki
subjectKeyIdentifier=critical,hash
authorityKeyIdentifier=keyid:always"
# 9. Extensions that are known but malformed, or flagged against the profile.
bare='basicConstraints=critical,CA:FALSE
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always'
cert ext-aia-malformed "/O=Sealpost Tests/CN=mx.example.test" int "$bare
keyUsage=critical,digitalSignature
subjectAltName=DNS:mx.example.test
1.3.6.1.5.5.7.1.1=DER:6d616c666f726d6564"
cert ext-aia-critical "/O=Sealpost Tests/CN=mx.example.test" int "$bare
keyUsage=critical,digitalSignature
subjectAltName=DNS:mx.example.test
authorityInfoAccess=critical,caIssuers;URI:http://ca.example.test/int.crt"
cert ext-aia-ok "/O=Sealpost Tests/CN=mx.example.test" int "$bare
keyUsage=critical,digitalSignature
subjectAltName=DNS:mx.example.test
authorityInfoAccess=caIssuers;URI:http://ca.example.test/int.crt"
cert ext-san-malformed "/O=Sealpost Tests/CN=mx.example.test" int "$bare
keyUsage=critical,digitalSignature
2.5.29.17=DER:6578616d706c652e74657374"
cert ext-san-critical "/O=Sealpost Tests/CN=mx.example.test" int "$bare
keyUsage=critical,digitalSignature
subjectAltName=critical,DNS:mx.example.test"
cert ext-empty-subject-ok / int "$bare
keyUsage=critical,digitalSignature
subjectAltName=critical,DNS:mx.example.test"
cert ext-empty-subject-noncritical-san / int "$bare
keyUsage=critical,digitalSignature
subjectAltName=DNS:mx.example.test"
cert ext-ku-no-bits "/O=Sealpost Tests/CN=mx.example.test" int "$bare
subjectAltName=DNS:mx.example.test
2.5.29.15=critical,DER:03020000"
cert ext-pc-noncritical "/O=Sealpost Tests/CN=ext-pc-noncritical" root "$int_ext
policyConstraints=requireExplicitPolicy:3"
leaf ext-pc-noncritical-leaf ext-pc-noncritical DNS:mx.example.test
rm -f dn.cnf dsa.param
echo "chain cases written to $out"
