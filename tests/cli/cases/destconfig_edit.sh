# destconfig: the table from no file at all through every editing subcommand.
run destconfig list
run destconfig add example.com --tls required-verify
run destconfig add .bank.example --tls required-verify-hosted --max-connections 4
run destconfig add 192.0.2.10 --tls no
run destconfig edit example.com --max-recipients-per-message 100
run destconfig add .bank.example --dane mandatory
run destconfig edit .bank.example --dane mandatory --dane-insecure-mx skip
run destconfig edit 192.0.2.10 --dane mandatory
run destconfig edit example.com --mta-sts enforce-testing
run destconfig edit 192.0.2.10 --mta-sts on
run destconfig default --tls preferred-verify --max-messages-per-connection 20
run destconfig default
run destconfig list
run destconfig show example.com
run destconfig show mail.bank.example --lookup --json
run destconfig show other.example --lookup
run destconfig list --json
run destconfig delete 192.0.2.10
run destconfig export
cat etc/destconfig.toml
run destconfig export copy.toml
run destconfig import copy.toml
