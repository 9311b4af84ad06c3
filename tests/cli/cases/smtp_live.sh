# Live `tlsverify` and `send` against the SMTP test peers (fixture `smtp`), with MX, A and
# PTR records from the test nsd (fixture `dns`), validated at the test PKI's fixed time.
live=(--dns-server "127.0.0.1:$NSD_PORT" --at 2026-01-01T00:00:00Z --no-system-trust --timeout 5)
mx=(--port "$SMTP_PORT" "${live[@]}")
run tlsverify mxname.mail.test "${mx[@]}" --trust pki/ca-bundle.pem --tls required-verify-hosted
run tlsverify mxname.mail.test "${mx[@]}" --trust pki/ca-bundle.pem --tls required-verify
run tlsverify failover.mail.test "${mx[@]}" --trust pki/ca-bundle.pem --tls required-verify-hosted
run tlsverify plain.mail.test "${mx[@]}" --trust pki/ca-bundle.pem --tls required
run tlsverify ptr.mail.test "${mx[@]}" --trust pki/ca-bundle.pem --json
run tlsverify down.mail.test "${mx[@]}" --trust pki/ca-bundle.pem
# A U-label domain: looked up and matched as its A-label (the certificate names only that).
run tlsverify bücher.mail.test "${mx[@]}" --trust pki/ca-bundle.pem --tls required-verify

# --showcerts, imported as a trustpoint: the self-signed server is then pinned, and verifies
# against that trustpoint alone.
run tlsverify selfsigned.mail.test "${mx[@]}" --trust pki/ca-bundle.pem --tls required-verify
"$sealpost" tlsverify selfsigned.mail.test "${mx[@]}" --trust pki/ca-bundle.pem --showcerts | sed -n '/BEGIN/,/END/p' > shown.pem
run trust import pinned-selfsigned shown.pem
run tlsverify selfsigned.mail.test "${mx[@]}" --trust pinned-selfsigned --tls required-verify

# A destconfig entry and an SMTP route are what tlsverify uses when not told otherwise.
run destconfig add wild.mail.test --tls required-verify-hosted
run smtproutes add wild.mail.test --host "mx-name.mail.test:$SMTP_PORT"
run tlsverify wild.mail.test "${live[@]}" --trust pki/ca-bundle.pem

# send: the router case, '@' and ':' in user and password, AUTH inside STARTTLS.
route="alice@example.com:p@ss:word@smtp.mail.test:$SMTP_PORT"
run send --route "$route" --from alice@example.com --to bob@mxname.mail.test --cc carol@wild.mail.test \
  --subject 'hello' --body 'first line' "${live[@]}" --trust pki/ca-bundle.pem
run send --route "$route" --from someone@example.com --to bob@mxname.mail.test --subject s --body b \
  "${live[@]}" --trust pki/ca-bundle.pem --json
run send --route "alice@example.com:wrong@smtp.mail.test:$SMTP_PORT" --from alice@example.com --to bob@x.test \
  --subject s --body b "${live[@]}" --trust pki/ca-bundle.pem
# Implicit TLS (RFC 8314) to a peer that offers AUTH LOGIN only.
run send --route "alice@example.com:p@ss:word@smtps.mail.test:$SMTP_PORT" --implicit-tls --from alice@example.com \
  --to bob@x.test --subject s --body b "${live[@]}" --trust pki/ca-bundle.pem
# The peer without STARTTLS: the credentials are never sent, even with tls=preferred.
run send --route "alice@example.com:p@ss:word@127.0.0.38:$SMTP_PORT" --from alice@example.com --to bob@x.test \
  --subject s --body b "${live[@]}" --tls preferred

# Bad input: one line, no password in it, nothing sent.
run send --route "alice@example.com:p@ss:word@" --from a@x.test --to b@x.test --subject s --body b
run send --route "$route" --from a@x.test --to 'b@x.test>' --subject s --body b
run send --route "$route" --from a@x.test --to b@x.test --subject $'two\nlines' --body b
run send --route "$route" --from a@x.test --to b@x.test --subject s --body b --tls no
run send --route "$route" --from a@x.test --to b@x.test --subject s
run send --route "$route" --from a@x.test --to b@x.test --subject s --file missing.txt
run tlsverify 'not a domain' "${mx[@]}"
run tlsverify example.com --chain x.pem
