#!/usr/bin/env bash
# MTA-STS discovery and fetch (RFC 8461 §3.1, §3.3) through `sealpost mta-sts fetch`, real
# peers only, loopback only: the _mta-sts TXT record and the mta-sts.* addresses from the test
# nsd (fixture `dns`), an HTTPS server of our own (tests/sts/policy_server.py, Python's
# http.server with ssl) on 127.0.0.50 with a certificate from the test PKI (fixture `pki`).
# Usage: mta-sts-fetch.sh SEALPOST PKI_DIR   (SEALPOST_TEST_DNS set by ctest)
set -uo pipefail
sealpost=$1 pki=$2
. "$SEALPOST_TEST_DNS/peers.env"
work=$(mktemp -d)
. "$(dirname "$0")/../relay/lib.sh"
trap cleanup EXIT
policy_server ""  # lib.sh: the built-in answers only; sets sts_port
port=$sts_port

fetch() {  # DOMAIN [options…]: the command's output (stdout and stderr) and its exit status last
  local out rc
  out=$("$sealpost" --etc "$work" mta-sts fetch "$1.sealpost.test" --dns-server "127.0.0.1:$NSD_PORT" --port "$port" \
    --no-system-trust --trust "$pki/ca-bundle.pem" --at 2026-06-01T00:00:00Z "${@:2}" 2>&1)
  rc=$?
  printf '%s\n[exit %s]\n' "$out" "$rc"
}
has() {  # PATTERN TEXT
  grep -qE -- "$1" <<<"$2" || { echo "  no line matching: $1"; sed 's/^/  | /' <<<"$2"; return 1; }
}

out=$(fetch sts)
check "TXT discovery: v=STSv1 with its id" has 'TXT: _mta-sts.sts.sealpost.test: v=STSv1, id 20261201T1' "$out"
check "fetched over TLS, verified" has '^Fetch: ok \(TLS v1.3 ' "$out"
check "the policy: mode, max_age and the mx patterns; exit 0" \
  bash -c 'grep -q "^Policy: mode enforce, max_age 86400" <<<"$1" && grep -q "  mx: \*.mail.test" <<<"$1" && grep -q "\[exit 0\]" <<<"$1"' _ "$out"
out=$(fetch sts --json)
check "--json: the same, as one object" has '"mode": "enforce"' "$out"
check "CRLF lines and a charset parameter are accepted" has '^Policy: mode enforce, max_age 86400' "$(fetch crlf)"
check "HTTP 404: sts-policy-fetch-error, exit 1" \
  bash -c 'grep -q "sts-policy-fetch-error: .*HTTP 404, not 200" <<<"$1" && grep -q "\[exit 1\]" <<<"$1"' _ "$(fetch s404)"
check "a redirect is not followed" has 'HTTP 301 \(redirects are not followed, RFC 8461 §3.3\), not 200' "$(fetch s301)"
check "Content-Type text/html is refused" has "Content-Type 'text/html' is not text/plain" "$(fetch ctype)"
check "a body over 64 KiB is refused" has 'the policy is larger than 64 KiB' "$(fetch big)"
check "a policy without mx under enforce: sts-policy-invalid" has 'sts-policy-invalid: a policy in mode enforce needs at least one mx line' "$(fetch invalid)"
check "a certificate that does not name the policy host: sts-webpki-invalid" \
  has 'sts-webpki-invalid: .*the certificate names mx-name.mail.test, not mta-sts.wrongname.sealpost.test' "$(fetch wrongname)"
check "a CA the trust store does not hold: sts-webpki-invalid" \
  has 'sts-webpki-invalid: .*certificate chain not trusted' \
  "$("$sealpost" --etc "$work" mta-sts fetch sts.sealpost.test --dns-server "127.0.0.1:$NSD_PORT" --port "$port" --no-system-trust --trust "$pki/other-root.pem" 2>&1)"
check "a server that does not answer in time: sts-policy-fetch-error" has 'sts-policy-fetch-error: .*timed out' "$(fetch slow --timeout 1)"
check "no address for the policy host" has 'Policy host: mta-sts.nothere.sealpost.test: no address' "$(fetch nothere)"
# The cache under the spool (RFC 8461 §5.1): refresh stores, a new process reads it back.
mkdir -p "$work/etc"
printf '[spool]\ndirectory = "%s/spool"\n' "$work" > "$work/etc/sealpost.toml"
sts() { "$sealpost" --etc "$work/etc" mta-sts "$@" 2>&1; printf '[exit %s]\n' "$?"; }
refresh() { sts refresh "$1.sealpost.test" --dns-server "127.0.0.1:$NSD_PORT" --port "$port" --no-system-trust \
  --trust "$pki/ca-bundle.pem" --at 2026-06-01T00:00:00Z; }
out=$(refresh sts)
check "refresh: fetched and stored under the spool" has "^Cache: stored under $work/spool/mta-sts" "$out"
check "… one file per domain, mode 0600" test "$(stat -c %a "$work/spool/mta-sts/sts.sealpost.test" 2>/dev/null)" = 600
out=$(sts show sts.sealpost.test)
check "show (another process): id, mode, validity and the patterns" \
  bash -c 'grep -qE "^sts.sealpost.test: id 20261201T1, mode enforce, fetched .*, valid until " <<<"$1" && grep -q "  mx: \*.mail.test" <<<"$1" && grep -q "\[exit 0\]" <<<"$1"' _ "$out"
check "list --json" has '"id": "20261201T1"' "$(sts list --json)"
out=$(refresh s404)
check "a failed refresh with nothing cached caches nothing (exit 1)" \
  bash -c 'grep -q "^Cache: nothing cached" <<<"$1" && grep -q "\[exit 1\]" <<<"$1" && ! test -e "$2"' _ "$out" "$work/spool/mta-sts/s404.sealpost.test"
check "no v=STSv1 record: the cache is left alone" has '^Cache: unchanged' "$(refresh crlf)"
printf 'garbage\n' > "$work/spool/mta-sts/bad.sealpost.test"
check "a damaged cache file: show says why (exit 2)" \
  bash -c 'grep -q "bad.sealpost.test: not a sealpost MTA-STS cache file" <<<"$1" && grep -q "\[exit 2\]" <<<"$1"' _ "$(sts show bad.sealpost.test)"
check "… list names it and goes on" bash -c 'grep -q "bad.sealpost.test: not a sealpost" <<<"$1" && grep -q "^sts.sealpost.test: id" <<<"$1"' _ "$(sts list)"
check "flush removes the policy" has '^removed the cached MTA-STS policy of sts.sealpost.test' "$(sts flush sts.sealpost.test)"
check "… and show then has none (exit 1)" has '\[exit 1\]' "$(sts show sts.sealpost.test)"
check "a path is not a domain" has "is not a domain" "$(sts show ../../etc/passwd)"
check "bad input: exit 2 with the reason" has "mta-sts: 'bad domain!' is not a domain" "$("$sealpost" mta-sts fetch 'bad domain!' 2>&1)"

finish
