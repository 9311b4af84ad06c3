# `sealpost report` on a recorded TLS outcome log (tests/data/outcome_log.jsonl): the relay's
# own records from relay_e2e (moved to 2026-11-21) and `tlsverify --json` probes of every
# test peer under every setting (2026-11-22), plus five records edited from a recorded one
# for stages no peer produces by itself (STARTTLS refused, response injection, a failed
# handshake with its clear retry, a 5xx bounce) and three lines that are not records.
cp "$(dirname "$case")/../../data/outcome_log.jsonl" log.jsonl
run report --log log.jsonl
run report --log log.jsonl --format json --domain wild.mail.test
run report --log log.jsonl --format csv
run report --log log.jsonl --since 2026-11-22 --setting required-verify --result next-host
run report --log log.jsonl --until 2026-11-21 --format csv

# The configured log with its rotations, one of them gzip'd: the same totals as the whole.
printf '[log]\noutcome_file = "outcome.jsonl"\n' > etc/sealpost.toml
head -30 log.jsonl | gzip > etc/outcome.jsonl.2.gz
sed -n 31,60p log.jsonl > etc/outcome.jsonl.1
sed -n '61,$p' log.jsonl > etc/outcome.jsonl
run report --format csv

# RFC 8460: one report per policy domain per UTC day.
run report --log log.jsonl --tlsrpt rpt --organization "Sealpost Tests" --contact tlsrpt@sealpost.test
ls rpt
cat 'rpt/sealpost.test!expired.mail.test!1795219200!1795305600.json'
cat 'rpt/sealpost.test!broken.mail.test!1795219200!1795305600.json'

# Bad arguments: exit 2, nothing written.
run report --log log.jsonl --since yesterday
run report --log log.jsonl --setting sometimes
run report --log log.jsonl --format xml
run report --log nowhere.jsonl
run report --log log.jsonl --contact a@b.test
