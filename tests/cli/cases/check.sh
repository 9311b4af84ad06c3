# `sealpost check`: a clean configuration, then each planted problem found with its path —
# a bad destconfig line, an unusable trustpoint, an expired and an expiring anchor, a listener
# key that does not match its certificate, a world-writable spool, a file in the spool owned
# by someone else, route passwords readable by others, a [server] user that does not exist or
# does not own the spool, none under root. Expiry judged at a fixed time.
mkdir -p etc/spool etc/trust && chmod 700 etc/spool
cat > etc/sealpost.toml <<'CF'
[server]
user = "root"
tls_certificate = "../pki/mail-wildcard-chain.pem"
tls_key = "../pki/mail-wildcard.key"
[spool]
directory = "spool"
[trust]
system_bundle = false
CF
printf '[default]\ntls = "preferred"\n' > etc/destconfig.toml
printf '["example.com"]\nhosts = ["smtp.example.com"]\n' > etc/smtproutes.toml
cp pki/root.pem etc/trust/test-root.pem
at=(--at 2026-06-01T00:00:00Z)
run check "${at[@]}"
# Warnings only: exit 1.
cp pki/expired-intermediate.pem etc/trust/old-ca.pem
printf '["example.com"]\nhosts = ["user:secret@smtp.example.com"]\n' > etc/smtproutes.toml && chmod 644 etc/smtproutes.toml
run check "${at[@]}"
run check --at 2034-12-15T00:00:00Z
# Errors: exit 2.
printf '[default]\ntls = "sometimes"\n' > etc/destconfig.toml
ln -s ../missing.pem etc/trust/gone.pem
sed -i 's|mail-wildcard.key|mx-name.key|' etc/sealpost.toml
chmod 777 etc/spool
mkdir -p etc/spool/queue etc/spool/corrupt && chmod 700 etc/spool/queue && chmod 750 etc/spool/corrupt
touch etc/spool/queue/stray && chown nobody etc/spool/queue/stray
run check "${at[@]}"
run check --at yesterday
chmod 700 etc/spool
rm etc/spool/queue/stray etc/trust/gone.pem etc/trust/old-ca.pem && chmod 600 etc/smtproutes.toml && chmod 700 etc/spool/corrupt
printf '[default]\ntls = "preferred"\n' > etc/destconfig.toml
sed -i 's|mx-name.key|mail-wildcard.key|' etc/sealpost.toml
sed -i 's|^user = .*|user = "nobody"|' etc/sealpost.toml
run check "${at[@]}"
sed -i 's|^user = .*|user = "no-such-user"|' etc/sealpost.toml
run check "${at[@]}"
sed -i '/^user = /d' etc/sealpost.toml
run check "${at[@]}"
