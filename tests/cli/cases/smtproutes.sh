# smtproutes: router-style credentials, masking everywhere, and the error paths.
run smtproutes list
run smtproutes add example.com --host mx1.relay.example.net --host 192.0.2.5:2525
run smtproutes add ALL --host 'user@example.com:p@ss:word@smtp.example.net:587'
run smtproutes add .example.org --host USEDNS
run smtproutes add secure.example --host 'ops%3Ateam:s3cret@[2001:db8::25]' --implicit-tls
run smtproutes list
run smtproutes show example.com --json
run smtproutes show other.example
run smtproutes show a.example.org
run smtproutes export
grep -c 'p@ss:word' etc/smtproutes.toml
stat -c '%a' etc/smtproutes.toml
run smtproutes export --reveal-passwords
run smtproutes delete .example.org
run smtproutes delete .example.org
run smtproutes add bad.example --host 'user:topsecret@smtp.example.net:99999'
run smtproutes add bad.example --host 'user:topsecret@'
run smtproutes add bad.example --host 'nopassword@smtp.example.net'
run smtproutes add bad.example --host USEDNS --host mx.example.net
run smtproutes add bad.example
run smtproutes add example.com --host mx9.example.net
run smtproutes list --host x
printf '["a.example"]\nhosts = ["user:hunter2@bad host"]\n' > bad.toml
run smtproutes import bad.toml
