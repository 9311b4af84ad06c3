# destconfig errors: each names what and where, exits 2, and changes nothing.
run destconfig add example.com --tls required
run destconfig add example.com --tls required
run destconfig add EXAMPLE.COM. --tls no
run destconfig add '*.example.org' --tls no
run destconfig add 'exa mple.org' --tls no
run destconfig add example.org
run destconfig add example.org --tls sometimes
run destconfig add example.org --max-connections 0
run destconfig add example.org --max-connections lots
run destconfig add example.org --dane maybe
run destconfig add example.org --dane-insecure-mx trust
printf '[default]\ndane = "yes"\n' > bad-dane.toml
run destconfig import bad-dane.toml
run destconfig add example.org --mta-sts enforce
printf '[default]\nmta-sts = true\n' > bad-sts.toml
run destconfig import bad-sts.toml
run destconfig edit example.org --tls no
run destconfig delete example.org
run destconfig delete default
run destconfig show example.org
run destconfig list extra
run destconfig list --tls no
run destconfig frobnicate
run destconfig
printf '[default]\ntls = "no"\n\n["a.example"]\ntls = "required"\nmax-conections = 5\n' > bad.toml
run destconfig import bad.toml
run destconfig import missing.toml
run destconfig list
printf '["x.example"]\ntls = "required"\ntls = "no"\n' > etc/destconfig.toml
run destconfig list
run destconfig add y.example --tls no
STDIN=bad.toml run destconfig import -
