#!/usr/bin/env bash
# The Debian package as an administrator meets it (issue 16): scripts/package.sh builds it
# from this build and lintian finds no error; dpkg -i installs it (user, spool, log directory,
# conffiles); systemd-analyze verify accepts the unit; the installed sealpostd, started as
# root with the packaged configuration pointed at a test sink, listens on port 25, runs as
# `sealpost`, owns its spool, delivers, answers `sealpost status` for root and for the user,
# and reopens its rotated log on SIGUSR1; `cmake --install` never overwrites an edited
# configuration file; dpkg --purge takes spool and logs away. Loopback only: 127.0.0.73–.74.
# Usage: package-e2e.sh SOURCE_DIR BUILD_DIR   (as root; changes the machine's packages)
set -uo pipefail
src=$1 build=$2
work=$(mktemp -d)
sealpostd=/usr/sbin/sealpostd  # lib.sh's start() runs it
. "$src/tests/relay/lib.sh"
trap 'cleanup; [ -n "${KEEP:-}" ] || dpkg --purge sealpost > /dev/null 2>&1' EXIT
chmod 755 "$work"

deb=$(bash "$src/scripts/package.sh" "$build" 2> "$work/package.err" | tail -1)
check "scripts/package.sh: a .deb, lintian without error" bash -c '[ -f "$1" ]' _ "$deb"
[ -f "$deb" ] || { cat "$work/package.err"; finish; exit 1; }
dpkg --purge sealpost > /dev/null 2>&1  # an earlier run that did not finish
check "dpkg -i installs it" dpkg -i "$deb"
check "programs, man pages, unit, logrotate, configuration in place" bash -c '
  [ -x /usr/sbin/sealpostd ] && [ -x /usr/bin/sealpost ] && [ -f /usr/share/man/man8/sealpostd.8.gz ] &&
  [ -f /usr/share/man/man5/sealpost.toml.5.gz ] && [ -f /lib/systemd/system/sealpostd.service ] &&
  [ -f /etc/logrotate.d/sealpost ] && [ -f /etc/sealpost/sealpost.toml ] && [ -d /etc/sealpost/trust ]'
check "postinst: the sealpost user, its spool 0700 and log directory, route file 0600" bash -c '
  getent passwd sealpost > /dev/null &&
  [ "$(stat -c "%U %a" /var/spool/sealpost)" = "sealpost 700" ] && [ "$(stat -c %U /var/log/sealpost)" = sealpost ] &&
  [ "$(stat -c "%U %a" /etc/sealpost/smtproutes.toml)" = "sealpost 600" ]'
check "the installed sealpost reads /etc/sealpost by default" bash -c '/usr/bin/sealpost destconfig list | grep -q default'
check "systemd-analyze verify accepts the unit" bash -c 'systemd-analyze verify /lib/systemd/system/sealpostd.service 2>&1 |
  tee /dev/stderr | { ! grep -q .; }'
check "sealpost check on the packaged configuration: no error" bash -c '/usr/bin/sealpost check; [ $? -le 1 ]'

# The packaged configuration, pointed at test peers: port 25 on 127.0.0.73, a route to a sink,
# the human log in /var/log/sealpost (as logrotate expects), DNS nowhere.
port=25
while (exec 3<>"/dev/tcp/127.0.0.73/$port") 2>/dev/null; do port=$((port + 1)); done
no_dns=$(free_port 127.0.0.2)
sp=$(free_port 127.0.0.74)
cp -a /etc/sealpost "$work/etc"
sed -i -e "s|^listen = \\[.*|listen = [\"127.0.0.73:$port\"]|" -e "s|^servers = .*|servers = [\"127.0.0.2:$no_dns\"]|" \
  -e 's|^file = .*|file = "/var/log/sealpost/sealpost.log"|' "$work/etc/sealpost.toml"
printf '["pkg.test"]\nhosts = ["127.0.0.74:%s"]\n' "$sp" > "$work/etc/smtproutes.toml"
chown sealpost "$work/etc/smtproutes.toml" && chmod 600 "$work/etc/smtproutes.toml"
check "the packaged configuration says user = \"sealpost\"" grep -q '^user = "sealpost"' "$work/etc/sealpost.toml"
log=/var/log/sealpost/sealpost.log
sink 127.0.0.74 "$sp" "$work/sink"
"$sealpostd" --etc "$work/etc" 2>> "$work/stderr" &
pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.73/$port") 2>/dev/null && break; sleep 0.05; done
check "the installed sealpostd listens on privileged port $port" bash -c '(exec 3<>"/dev/tcp/127.0.0.73/$1")' _ "$port"
check "… and runs as sealpost (/proc)" bash -c '[ "$(awk "/^Uid:/ {print \$3}" /proc/$1/status)" = "$(id -u sealpost)" ]' _ "$pid"
swaks --server "127.0.0.73:$port" --from a@client.test --to b@pkg.test --header "Subject: package" > "$work/swaks.out" 2>&1
check "a message is delivered" wait_log 'to=<b@pkg.test> relay=127.0.0.74.* status=sent'
check "the spool belongs to sealpost" bash -c '[ -z "$(find /var/spool/sealpost ! -user sealpost)" ]'
check "sealpost status works for root" bash -c '/usr/bin/sealpost --etc "$1" status | grep -q "^counters: .*sent=1"' _ "$work/etc"
check "… and for the user sealpost" bash -c 'runuser -u sealpost -- /usr/bin/sealpost --etc "$1" status | grep -q "^counters:"' \
  _ "$work/etc"
mv "$log" "$log.1"
kill -USR1 "$pid"
check "SIGUSR1 after rotation: a new log, the user's" bash -c '
  for _ in $(seq 600); do grep -q "log files reopened" "$1" 2>/dev/null && break; sleep 0.05; done
  grep -q "log files reopened" "$1" && [ "$(stat -c %U "$1")" = sealpost ]' _ "$log"
kill "$pid"
wait "$pid"
check "SIGTERM: a clean stop (exit 0)" test $? -eq 0
pid=

# cmake --install into a staging root, an operator's edit in between: kept.
DESTDIR=$work/root cmake --install "$build" > /dev/null
echo "# edited" >> "$work/root/etc/sealpost/destconfig.toml"
DESTDIR=$work/root cmake --install "$build" > "$work/install2.out"
check "cmake --install: sbin/sealpostd, bin/sealpost, the unit; an edited conffile kept" bash -c '
  [ -x "$1/usr/local/sbin/sealpostd" ] && [ -x "$1/usr/local/bin/sealpost" ] && [ -f "$1/lib/systemd/system/sealpostd.service" ] &&
  tail -1 "$1/etc/sealpost/destconfig.toml" | grep -qx "# edited" && grep -q "Kept (not overwritten)" "$2"' \
  _ "$work/root" "$work/install2.out"

[ -n "${KEEP:-}" ] && { finish; exit; }
dpkg --purge sealpost > /dev/null 2>&1
check "dpkg --purge: programs, spool and logs gone" bash -c '[ ! -e /usr/sbin/sealpostd ] && [ ! -e /var/spool/sealpost ] &&
  [ ! -e /var/log/sealpost ]'
finish
