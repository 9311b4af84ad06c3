#!/usr/bin/env bash
# CLI golden test runner. A case (tests/cli/cases/NAME.sh) is a list of `run ARGS…` lines
# (and plain shell for set-up); its transcript — each command, its stdout, its stderr prefixed
# "stderr: ", its exit status — must equal NAME.out. Runs in a fresh temp dir holding etc/
# (SEALPOST_ETC) and pki/ (the test PKI's certificates and TLSA records). Hex that depends on
# freshly made keys (fingerprints, key ids, TLSA digests) is normalized to <hex>.
# Usage: run-golden.sh SEALPOST PKI_DIR CASE.sh        (UPDATE=1 rewrites NAME.out)
set -u
sealpost=$1 pki=$2 case=$3
expected=${case%.sh}.out
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etc" "$work/pki"
cp "$pki"/*.pem "$pki"/*.key "$work/pki/"
[ -d "$pki/tlsa" ] && cp -r "$pki/tlsa" "$work/pki/"
cd "$work" || exit 2
export SEALPOST_ETC=etc

run() {
  printf '$ sealpost'
  printf ' %q' "$@"
  printf '\n'
  "$sealpost" "$@" > .out 2> .err < "${STDIN:-/dev/null}"
  local rc=$?
  cat .out
  sed 's/^/stderr: /' .err
  echo "[exit $rc]"
}

# Cases that use the test DNS servers (fixture `dns`) see their ports; the transcript does not.
ports=()
if [ -n "${SEALPOST_TEST_DNS:-}" ] && [ -f "$SEALPOST_TEST_DNS/peers.env" ]; then
  . "$SEALPOST_TEST_DNS/peers.env"
  ports=(-e "s/:$NSD_PORT\b/:<nsd-port>/g" -e "s/:$UNBOUND_PORT\b/:<unbound-port>/g")
fi
# Cases that use the SMTP test peers (fixture `smtp`) likewise, and what a live run makes
# anew each time: the record's time and Postfix's queue IDs.
if [ -n "${SEALPOST_TEST_SMTP:-}" ] && [ -f "$SEALPOST_TEST_SMTP/peers.env" ]; then
  . "$SEALPOST_TEST_SMTP/peers.env"
  ports+=(-e "s/\b$SMTP_PORT\b/<smtp-port>/g" -e 's/"time": "[^"]*"/"time": "<time>"/g'
          -e 's/queued as [0-9A-Z]+/queued as <id>/g')
fi
actual=$(source "$case" 2>&1 | sed -E -e "s|$work/|./|g" -e 's/([0-9A-F]{2}:){7,}[0-9A-F]{2}/<hex>/g' -E -e 's/\b[0-9A-F]{40,}\b/<hex>/g' "${ports[@]+"${ports[@]}"}")
if [ "${UPDATE:-0}" = 1 ]; then
  printf '%s\n' "$actual" > "$expected"
  echo "updated $expected"
  exit 0
fi
if ! diff -u "$expected" <(printf '%s\n' "$actual"); then
  echo "golden output differs for $(basename "$case"): run with UPDATE=1 to accept" >&2
  exit 1
fi
