#!/usr/bin/env bash
# Fetches the relays bench/relay-vs-peers.sh compares Sealpost with, without changing which
# MTA the machine has: Debian's MTAs conflict with each other (mail-transport-agent), and
# installing exim4-daemon-heavy or opensmtpd would remove the postfix every test needs
# (TEST-RIG.md). So their package files are downloaded and unpacked into DIR/root, and only
# the libraries they link are installed, by name; Haraka comes from npm into DIR/haraka.
# Idempotent. Also adds the system users the peers' binaries have compiled in (Debian-exim,
# opensmtpd, opensmtpq), as their packages' maintainer scripts would.
# Usage: bench/peers/install.sh DIR   (as root)
set -euo pipefail
dir=${1:?usage: install.sh DIR}
mkdir -p "$dir"
dir=$(readlink -f "$dir")
HARAKA_VERSION=3.3.4

# Libraries the unpacked binaries need (ldd), the plot tool, and Node.js for Haraka.
need=(libmariadb3 libidn12 libspf2-2 libevent-2.1-7 gnuplot-nox)
command -v node > /dev/null || need+=(nodejs npm)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "peers: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null; }
fi

if [ ! -x "$dir/root/usr/sbin/exim4" ] || [ ! -x "$dir/root/usr/sbin/smtpd" ]; then
  rm -rf "$dir/debs" "$dir/root"
  mkdir -p "$dir/debs" "$dir/root"
  chmod 777 "$dir/debs"  # apt-get download runs as _apt where it can
  (cd "$dir/debs" && apt-get download -q exim4-daemon-heavy exim4-base opensmtpd > /dev/null 2>&1) ||
    { apt-get update -qq && (cd "$dir/debs" && apt-get download -q exim4-daemon-heavy exim4-base opensmtpd > /dev/null); }
  for d in "$dir"/debs/*.deb; do dpkg-deb -x "$d" "$dir/root"; done
fi
for b in "$dir/root/usr/sbin/exim4" "$dir/root/usr/sbin/smtpd"; do
  if ldd "$b" | grep -q "not found"; then echo "peers: $b lacks a library:" >&2; ldd "$b" | grep "not found" >&2; exit 1; fi
done

getent passwd Debian-exim > /dev/null ||
  adduser --system --group --allow-bad-names --home /var/spool/exim4 --no-create-home Debian-exim > /dev/null 2>&1
getent passwd opensmtpd > /dev/null ||
  adduser --system --home /var/lib/opensmtpd/empty --no-create-home opensmtpd > /dev/null 2>&1
getent passwd opensmtpq > /dev/null ||
  adduser --system --group --home /var/lib/opensmtpd/empty --no-create-home opensmtpq > /dev/null 2>&1

if [ ! -x "$dir/haraka/node_modules/.bin/haraka" ]; then
  mkdir -p "$dir/haraka"
  (cd "$dir/haraka" && npm install --no-audit --no-fund --loglevel=error "Haraka@$HARAKA_VERSION" > /dev/null)
fi
echo "$dir"
