# DANE offline (RFC 7672): --tlsa records taken as a DNSSEC-secure answer for the host.
common=(--offline --no-system-trust --trust pki/ca-bundle.pem --at 2026-01-01T00:00:00Z --tls preferred)
ee=$(tr a-f A-F < pki/tlsa/mail-self-signed-3-1-1)
ta=$(tr a-f A-F < pki/tlsa/intermediate-2-1-1)
# DANE-EE on a self-signed leaf: verified, no chain or name check (exit 0).
run tlsverify "${common[@]}" --chain pki/mail-self-signed-chain.pem --recipient-domain ee.mail.test --mx mx-self.mail.test --tlsa "$ee"
# The record names another key: not verified by DANE, whatever the ESA rules say (exit 1).
run tlsverify "${common[@]}" --chain pki/mx-name-chain.pem --recipient-domain mxname.mail.test --mx mx-name.mail.test --tlsa "$ee"
# DANE-TA 2 1 1 of the intermediate, the leaf *.mail.test matches the TLSA base; JSON.
run tlsverify "${common[@]}" --chain pki/mail-wildcard-chain.pem --recipient-domain ta.mail.test --mx mx-wild.mail.test --tlsa "$ta" --json
# DANE-TA, but the leaf names neither the base, the MX host nor the domain.
run tlsverify "${common[@]}" --chain pki/mx-name-chain.pem --recipient-domain ta-bad.mail.test --mx ta-host.mail.test --tlsa "$ta"
# The TLSA base given apart from the MX host (a CNAME), and an unsigned MX RRset (half DANE).
run tlsverify "${common[@]}" --chain pki/mx-name-chain.pem --recipient-domain other.test --mx alias.other.test --tlsa-base mx-name.mail.test --mx-secure no --tlsa "$ta"
# Only unusable records: TLS without authentication; the ESA setting still reports.
run tlsverify "${common[@]}" --chain pki/mx-name-chain.pem --recipient-domain mxname.mail.test --mx mx-name.mail.test --tlsa "1 1 1 $(printf '%064d' 0)" --tlsa "3 1 1 00ff"
# Bad input.
run tlsverify "${common[@]}" --chain pki/mx-name-chain.pem --recipient-domain d.test --tlsa "3 1 x ab"
run tlsverify "${common[@]}" --chain pki/mx-name-chain.pem --recipient-domain d.test --tlsa "3 1 1 abc"
run tlsverify "${common[@]}" --chain pki/mx-name-chain.pem --recipient-domain d.test --tlsa "3 1 1 zz"
run tlsverify "${common[@]}" --chain pki/mx-name-chain.pem --recipient-domain d.test --tlsa "$ee" --mx-secure maybe
run tlsverify "${common[@]}" --chain pki/mx-name-chain.pem --recipient-domain d.test --tlsa-base x.test
