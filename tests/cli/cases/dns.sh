# `sealpost dns` against the test nsd and the validating unbound (fixture `dns`).
nsd=(--server "127.0.0.1:$NSD_PORT")
run dns mx multi.sealpost.test "${nsd[@]}"
run dns mx implicit.sealpost.test "${nsd[@]}"
run dns mx nullmx.sealpost.test "${nsd[@]}"
run dns mx nomail.sealpost.test "${nsd[@]}"
run dns mx nowhere.sealpost.test "${nsd[@]}"
run dns mx iplit.sealpost.test "${nsd[@]}"
run dns mx cnamed.sealpost.test "${nsd[@]}" --json
run dns mx v6only.sealpost.test "${nsd[@]}"
run dns a alias.sealpost.test "${nsd[@]}"
run dns aaaa mx-c.sealpost.test "${nsd[@]}"
run dns ptr 127.0.0.12 "${nsd[@]}"
run dns ptr 127.0.0.60 "${nsd[@]}" --json
run dns ptr 2001:db8::25 "${nsd[@]}"
run dns tlsa _25._tcp.mx-a.sealpost.test "${nsd[@]}"
run dns txt txt.sealpost.test "${nsd[@]}" --json
run dns txt _smtp._tls.sts.sealpost.test "${nsd[@]}"
run dns txt _smtp._tls.bad.sealpost.test "${nsd[@]}"
run dns txt _mta-sts.sts.sealpost.test "${nsd[@]}" --json
run dns a x.broken.test "${nsd[@]}"
run dns a example.org "${nsd[@]}"
run dns mx signed.test --server "127.0.0.1:$UNBOUND_PORT"
run dns mx signed.test --server "127.0.0.1:$UNBOUND_PORT" --json
# Bad input.
run dns
run dns mx
run dns srv example.com
run dns ptr not-an-ip
run dns a 'a..b'
run dns a example.com --server 'not a server'
