# Bad input to tlsverify: one line on stderr, exit 2.
ok=(--offline --chain pki/mx1-chain.pem --trust pki/root.pem --no-system-trust --recipient-domain example.com)
run tlsverify
run tlsverify --recipient-domain example.com
run tlsverify --offline --recipient-domain example.com
run tlsverify --offline --chain pki/mx1-chain.pem
run tlsverify "${ok[@]}" --tls maybe
run tlsverify "${ok[@]}" --ip 300.1.1.1
run tlsverify "${ok[@]}" --at yesterday
run tlsverify "${ok[@]}" --at 2026-02-30T00:00:00Z
run tlsverify "${ok[@]}" --ptr mx.example.com=192.0.2.1
run tlsverify "${ok[@]}" --ip 192.0.2.1 --ptr mx.example.com
run tlsverify "${ok[@]}" --ip 192.0.2.1 --ptr mx.example.com=192.0.2.x
run tlsverify "${ok[@]}" --frobnicate
run tlsverify "${ok[@]}" --json --json
run tlsverify "${ok[@]}" extra
run tlsverify --offline --chain pki/no-such.pem --trust pki/root.pem --recipient-domain example.com
run tlsverify --offline --chain pki/mx1.key --trust pki/root.pem --recipient-domain example.com
run tlsverify --offline --chain pki/mx1-chain.pem --trust no-such-trustpoint --recipient-domain example.com
run tlsverify --offline --chain pki/mx1-chain.pem --trust pki/root.pem --no-system-trust --recipient-domain 'exa mple.com'
run tlsverify --offline --chain pki/mx1-chain.pem --trust pki/root.pem --no-system-trust --recipient-domain '*.example.com'
run tlsverify --offline --chain pki/mx1-chain.pem --trust pki/root.pem --no-system-trust --recipient-domain example.com --mx 'bad host'
run frobnicate
run --etc
run tlsverify --offline --chain pki/mx1-chain.pem --trust pki/root.pem --no-system-trust --recipient-domain=mx-.example.com
