#!/usr/bin/env bash
# Provides Botan 3 for the build and prints the pkg-config directory CMake should read
# (empty when the system's own botan-3 is used). Botan 3 is the maintained line (TLS 1.3);
# Debian 12 has only Botan 2.19, so there the library is built from Debian's own `botan3`
# source package:
#   1. pkg-config finds botan-3 at 3.7 or later (Debian 13 and later; 3.7 is the line tested
#      here, and the first with only the standardized ML-KEM in TLS): use it, nothing else.
#   2. Else a library this script built before, for the same recipe, in the cache: use it,
#      offline. The cache is outside the clone ($SEALPOST_CACHE, default
#      /var/cache/sealpost), keyed by the package version and a hash of the recipe below, so
#      later builds and CI runs on the same machine reuse it.
#   3. Else fetch the source package by name with apt from Debian 13 (trixie): the deb-src
#      entry is given to these apt calls only (their own lists directory), never added to the
#      machine's sources. apt checks the signed Sources index against the archive keyring and
#      each file against its hashes; dpkg-source checks them against the .dsc again and
#      applies Debian's patches. Then a static, minimized library (the modules below) is built
#      and installed into the cache.
# Run as root or with write access to the cache. Used by scripts/build.sh.
set -euo pipefail

if pkg-config --atleast-version=3.7 botan-3 2>/dev/null; then
  echo ""
  exit 0
fi

cache=${SEALPOST_CACHE:-/var/cache/sealpost}
# What the library must hold: TLS 1.2 and 1.3 (with the ML-KEM hybrid), X.509, the key
# types Sealpost accepts in certificates (RSA and RSA-PSS, ECDSA on P-256/384/521, Ed25519:
# tls/path_checks.cpp refuses the others, so DSA, Ed448 and the Brainpool curves are left
# out), the key exchanges it offers (ECDH, X25519, FFDHE, ML-KEM), the AEAD suites, CBC for
# the opportunistic settings' TLS 1.2 peers, SHA-1/2 (MD5 for the fingerprint operators see
# in `show`), and the CPU-specific code paths.
modules=(
  tls12 tls13 tls13_pqc tls_cbc x509
  rsa ecdsa ecdh dh x25519 ed25519 ml_kem pcurves_secp256r1 pcurves_secp384r1 pcurves_secp521r1
  gcm chacha20poly1305 aes cbc hmac hkdf sha1 sha2_32 sha2_64 md5
  emsa_pssr emsa_pkcs1 pem base64 hex system_rng auto_rng hmac_drbg
  aes_ni aes_vperm ghash_cpu ghash_vperm sha1_x86 sha1_sse2 sha2_32_x86 sha2_32_bmi2
  sha2_64_bmi2 chacha_avx2 chacha_simd32
)
# One amalgamated translation unit: the headers are parsed once instead of 250 times, so the
# build takes a quarter of the CPU (about 3 minutes on this project's 2-core machines, where
# separate files took 8).
configure_flags=(--minimized-build "--enable-modules=$(IFS=,; echo "${modules[*]}")" --amalgamation
                 --disable-shared-library --build-targets=static --without-documentation
                 --build-tool=ninja)
recipe=$(printf '%s\n' "${configure_flags[@]}" "$(g++ -dumpfullversion)" | sha256sum | cut -c1-12)

# 2. A library built before for this recipe (the newest version, if several).
# A build that did not finish has no .complete and is built again.
for prefix in $(ls -d "$cache"/botan-3.*-"$recipe" 2>/dev/null | sort -rV); do
  if [ -f "$prefix/.complete" ]; then
    echo "$prefix/lib/pkgconfig"
    exit 0
  fi
done

# 3. Fetch and build.
mkdir -p "$cache"
work=$(mktemp -d "$cache/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat > "$work/trixie.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::Etc::sourcelist=$work/trixie.sources" -o "Dir::State::Lists=$work/lists"
          -o "Dir::Cache=$work/apt-cache" -o APT::Sandbox::User=root)
mkdir -p "$work/lists/partial" "$work/apt-cache/archives/partial"
echo "botan3.sh: Botan 3 is not installed; building it from Debian 13's botan3 source package" >&2
apt-get "${apt_opts[@]}" -qq update >&2
(cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only botan3 >&2)
dsc=$(ls "$work"/botan3_*.dsc)
version=$(sed -n 's/^Version: //p' "$dsc")
# dpkg-source checks every file against the .dsc's checksums; the .dsc's own OpenPGP
# signature it can only report on (the developers' keyring is not on the machine): the
# signed index apt checked already vouches for the .dsc.
(cd "$work" && dpkg-source -x "$dsc" src >&2)
prefix="$cache/botan-${version}-$recipe"
rm -rf "$prefix"
(
  cd "$work/src"
  python3 configure.py "${configure_flags[@]}" --prefix="$prefix" --with-build-dir="$work/build" > "$work/configure.log" 2>&1 ||
    { cat "$work/configure.log" >&2; exit 1; }
  ninja -f "$work/build/build.ninja" libs > "$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; exit 1; }
  ninja -f "$work/build/build.ninja" install > /dev/null
  touch "$prefix/.complete"
) || {
  echo "botan3.sh: building Botan $version failed" >&2
  rm -rf "$prefix"
  exit 1
}
echo "botan3.sh: Botan $version installed in $prefix" >&2
echo "$prefix/lib/pkgconfig"
