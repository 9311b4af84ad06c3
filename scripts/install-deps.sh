#!/usr/bin/env bash
# Installs what Sealpost needs to build and test on Debian 12, by package name, from Debian.
# Idempotent: packages already present are skipped, and `apt-get update` runs at most once.
# Run as root (or with sudo available). Used by both README commands and by .ci/run.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config
  # Botan 3 where Debian has it (13 and later); else scripts/botan3.sh builds it from Debian's
  # source package, which needs dpkg-source and Python
  $(apt-cache show libbotan-3-dev 2>/dev/null | grep -q "^Version: 3\.\([7-9]\|[1-9][0-9]\)" && echo libbotan-3-dev || echo dpkg-dev xz-utils python3)
  libc-ares-dev libidn2-dev libboost-dev libboost-system-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev nlohmann-json3-dev zlib1g-dev
  # run time: the system CA bundle (trust system_bundle = true)
  ca-certificates
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev openssl faketime
  # bench/tls_bench's yardstick: the same STARTTLS session with an OpenSSL client
  libssl-dev
  # test peers: a real DNS server, a validating resolver, zone signing; Postfix smtpd and
  # smtp-sink with Cyrus SASL (sasldb); swaks with TLS
  nsd unbound ldnsutils postfix sasl2-bin libsasl2-modules swaks libnet-ssleay-perl
  # test scripts: JSON checks and the crash test's SMTP injector; the report page rendered
  # in a real browser
  python3 chromium
  # the metrics endpoint: curl, promtool and a real Prometheus scraping it
  curl prometheus
  # the Debian package (scripts/package.sh): dpkg-shlibdeps, lintian; systemd-analyze for the
  # unit; adduser for its postinst
  dpkg-dev lintian systemd adduser
  # fuzzing (libFuzzer ships with clang's runtime); the format check (.clang-format)
  clang libclang-rt-14-dev clang-format
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how to configure the machine's own mail system: leave it unconfigured; the
# tests run their own isolated instances.
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
