# Chains and trust for tlsverify: trustpoints by name, partial chains, pinning, failures.
run trust import corp-int pki/intermediate.pem
run trust import pin-mx1 pki/mx1.pem
common=(--no-system-trust --recipient-domain mx1.example.com --at 2026-01-01T00:00:00Z)
# A trusted intermediate is an anchor on its own (partial chain).
run tlsverify --offline --chain pki/mx1-chain.pem --trust corp-int "${common[@]}"
# A pinned leaf.
run tlsverify --offline --chain pki/mx1.pem --trust pin-mx1 "${common[@]}"
# No --trust: every trustpoint in etc/trust.
run tlsverify --offline --chain pki/wildcard-chain.pem "${common[@]}"
# Untrusted CA, expired certificate, self-signed, wrong name, CN-only with Hosted.
run tlsverify --offline --chain pki/untrusted-chain.pem --trust pki/root.pem "${common[@]}"
run tlsverify --offline --chain pki/expired-chain.pem --trust pki/root.pem --no-system-trust \
  --recipient-domain mx.expired.example --at 2026-01-01T00:00:00Z
run tlsverify --offline --chain pki/self-signed.pem --trust pki/root.pem "${common[@]}"
run tlsverify --offline --chain pki/mx1-chain.pem --trust pki/root.pem --no-system-trust \
  --recipient-domain example.org --at 2026-01-01T00:00:00Z
run tlsverify --offline --chain pki/cn-only-chain.pem --trust pki/root.pem --no-system-trust \
  --tls required-verify-hosted --recipient-domain example.net --mx mx.cnonly.example --at 2026-01-01T00:00:00Z
# Delivery by SMTP route: route hosts are REF-IDs, the MX host is not.
run tlsverify --offline --chain pki/mx1-chain.pem --trust pki/root.pem --no-system-trust --tls required-verify-hosted \
  --recipient-domain example.org --route-host relay.example.net --route-host mx1.example.com --at 2026-01-01T00:00:00Z
# An IP route host against the certificate's IP SAN.
run tlsverify --offline --chain pki/ip-san-chain.pem --trust pki/root.pem --no-system-trust --tls required-verify-hosted \
  --recipient-domain example.org --route-host 127.0.0.5 --ip 127.0.0.5 --at 2026-01-01T00:00:00Z --json
