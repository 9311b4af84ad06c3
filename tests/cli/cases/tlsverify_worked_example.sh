# TLS-POLICY.md §10 through `sealpost tlsverify --offline`: all three variants.
facts=(--recipient-domain example.com --mx mx01.subd.emailhosted.not --ip 192.0.2.1 --at 2026-01-01T00:00:00Z)
run tlsverify --offline --chain pki/hosted-chain.pem --trust pki/root.pem --no-system-trust \
  --tls required-verify "${facts[@]}" --ptr mx0a.emailhosted.not=192.0.2.1
run tlsverify --offline --chain pki/hosted-chain.pem --trust pki/root.pem --no-system-trust \
  --tls required-verify-hosted "${facts[@]}" --ptr mx0a.emailhosted.not=192.0.2.1
run tlsverify --offline --chain pki/hosted-chain.pem --trust pki/root.pem --no-system-trust \
  --tls required-verify "${facts[@]}" --ptr mx0a.emailhosted.not=192.0.2.99 --json
run tlsverify --offline --chain pki/hosted-chain.pem --trust pki/root.pem --no-system-trust \
  --tls required-verify-hosted "${facts[@]}" --ptr mx0a.emailhosted.not=192.0.2.99 --json
