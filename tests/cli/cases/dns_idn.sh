# Internationalized domain names in the CLI (named dns_*: it needs the test nsd) (RFC 5890/5891, UTS #46): U-labels are taken and
# stored as A-labels, and every answer says both; one destination whichever form names it.
printf '[default]\ntls = "preferred"\n' > etc/destconfig.toml
: > etc/smtproutes.toml
run destconfig add bücher.example --tls required-verify
run destconfig add xn--bcher-kva.example --tls required
run destconfig add BÜCHER.example --tls required
run destconfig add .münchen.example --tls required
run destconfig list
run destconfig list --json
run destconfig show XN--BCHER-KVA.EXAMPLE
run destconfig show --lookup mx.münchen.example
run destconfig add ☃.example --tls required
run destconfig add xn--bcher-kvb.example --tls required
run destconfig delete bücher.example
run smtproutes add straße.example --host smtp.straße.example:587
run smtproutes list
run smtproutes show xn--strae-oqa.example --json
run smtproutes delete straße.example
# A certificate naming the domains only as A-labels verifies for the U-label recipient domain.
at=(--no-system-trust --trust pki/root.pem --at 2026-06-01T00:00:00Z)
run tlsverify --offline --chain pki/mail-idn-chain.pem --recipient-domain bücher.mail.test "${at[@]}"
run tlsverify --offline --chain pki/mail-idn-chain.pem --recipient-domain café.mail.test --tls required-verify-hosted \
  --mx mx-idn-ascii.mail.test "${at[@]}"
run tlsverify --offline --chain pki/mail-idn-chain.pem --recipient-domain 'a_b.ünicode.test' "${at[@]}"
# DNS (the test nsd, fixture `dns`): the U-label name is looked up as its A-label.
run dns mx bücher.mail.test --server "127.0.0.1:$NSD_PORT"
run dns mx café.mail.test --server "127.0.0.1:$NSD_PORT" --json
run dns tlsa _25._tcp.mx.bücher.mail.test --server "127.0.0.1:$NSD_PORT"
# report: A-label domains with their U-label form; --domain takes either.
sed -n 1p "$(dirname "$case")/../../data/outcome_log.jsonl" | sed 's/"wild\.mail\.test"/"xn--bcher-kva.mail.test"/g' > idn.jsonl
run report --log idn.jsonl --domain bücher.mail.test
run report --log idn.jsonl --format json --domain xn--bcher-kva.mail.test
