#!/usr/bin/env bash
# SMTP test peers, started and stopped by the tests (CTest fixture `smtp`), loopback only:
#   smtp-peers.sh start DIR PKI   an isolated Postfix instance (config, queue and logs in DIR)
#                                 whose smtpd listens on 127.0.0.31-37, .39, .51 (TLS 1.2
#                                 only), .52 (SMTPUTF8) and .53 (the same certificate, no
#                                 SMTPUTF8), each with its own certificate from the test PKI, and discards
#                                 every message; smtp-sink (no STARTTLS) on 127.0.0.38, saving
#                                 what it receives in DIR/sink; writes DIR/peers.env (SMTP_PORT).
#   smtp-peers.sh stop DIR        stops both by PID.
# 127.0.0.39 is a submission service: STARTTLS, then SASL AUTH (Cyrus, sasldb) for
# alice@example.com / "p@ss:word" only inside TLS; 127.0.0.42 is the same with implicit TLS
# (RFC 8314, wrapper mode) offering AUTH LOGIN only. See TEST-RIG.md for Postfix as a test peer.
set -euo pipefail
cmd=${1:?usage: smtp-peers.sh start DIR PKI | stop DIR}
dir=${2:?usage: smtp-peers.sh start DIR PKI | stop DIR}

stop_pid() {  # PIDFILE
  [ -f "$1" ] || return 0
  local pid
  pid=$(head -1 "$1" | tr -d ' ')
  [ -n "$pid" ] && [ "$pid" -gt 1 ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
}

stop_all() {
  stop_pid "$dir/queue/pid/master.pid"
  stop_pid "$dir/sink.pid"
  if [ -L "$dir" ]; then rm -rf "$(readlink -f "$dir")"; rm -f "$dir"; fi
}
if [ "$cmd" = stop ]; then
  stop_all
  exit 0
fi
# An earlier run that was never stopped: stop it by its PIDs before its files go.
stop_all

pki=${3:?usage: smtp-peers.sh start DIR PKI}
# Postfix's daemons and smtp-sink run as unprivileged users and must reach their files: the
# instance lives in its own directory under /tmp (mode 755), and DIR links to it, whatever
# the permissions of the directories above DIR.
rm -rf "$dir"
mkdir -p "$(dirname "$dir")"
instance=$(mktemp -d /tmp/sealpost-smtp-peers.XXXXXX)
chmod 755 "$instance"
ln -s "$instance" "$dir"
dir=$instance
mkdir -p "$dir/queue" "$dir/data" "$dir/sasl" "$dir/sink"

# A port free on every peer address (TCP), chosen at random and probed.
port_free() { ! (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
port=
for _ in $(seq 50); do
  p=$((20000 + RANDOM % 30000))
  ok=1
  for i in 31 32 33 34 35 36 37 38 39 40 41 42 51 52 53; do port_free "127.0.0.$i" "$p" || { ok=0; break; }; done
  [ "$ok" = 1 ] && { port=$p; break; }
done
[ -n "$port" ] || { echo "smtp-peers: no free port" >&2; exit 1; }

# Postfix wants key, leaf, intermediates in one file.
chain() { cat "$pki/$1.key" "$pki/$1-chain.pem" > "$dir/$1.pem"; chmod 600 "$dir/$1.pem"; }
for c in mx-name mail-wildcard mail-cn-only mail-expired mail-self-signed mail-untrusted ptr-host submission mail-idn; do chain "$c"; done

cat > "$dir/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
inet_interfaces = all
inet_protocols = ipv4
myhostname = peer.mail.test
mydestination =
local_recipient_maps =
relay_domains =
default_transport = discard:peer
relay_transport = discard:peer
local_transport = discard:peer
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject

smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
in_flow_delay = 0
# SMTPUTF8 on for Postfix as a whole (cleanup and the rest must allow it), off in every smtpd
# but 127.0.0.52's (svc below)
smtputf8_enable = yes
alias_maps =
alias_database =
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $dir/sasl
CF

svc() {  # IP CERT [extra -o …]
  local ip=$1 cert=$2; shift 2
  echo "$ip:$port inet n - n - - smtpd -o smtpd_tls_chain_files=$dir/$cert.pem -o syslog_name=peer-$cert -o smtputf8_enable=no $*"
}
{
  svc 127.0.0.31 mx-name
  svc 127.0.0.32 mail-wildcard
  svc 127.0.0.33 mail-cn-only
  svc 127.0.0.34 mail-expired
  svc 127.0.0.35 mail-self-signed
  svc 127.0.0.36 mail-untrusted
  svc 127.0.0.37 ptr-host
  # TLS 1.2 only: the path for receivers that do not speak TLS 1.3 yet
  svc 127.0.0.51 mail-wildcard -o smtpd_tls_protocols=!SSLv2,!SSLv3,!TLSv1.3
  # RFC 6531: one receiver with SMTPUTF8 (it logs UTF-8 addresses as they came), one without
  svc 127.0.0.52 mail-idn -o smtputf8_enable=yes -o syslog_name=peer-utf8
  svc 127.0.0.53 mail-idn -o syslog_name=peer-ascii
  svc 127.0.0.39 submission -o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes \
      -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  # Cyrus reads its configuration by application name: smtpd_sasl_path picks smtpd-login.conf.
  svc 127.0.0.42 submission -o smtpd_tls_wrappermode=yes -o smtpd_sasl_auth_enable=yes \
      -o smtpd_sasl_path=smtpd-login -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  cat <<'MC'
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
MC
} > "$dir/master.cf"

# SASL: Cyrus with a sasldb; the user name holds an '@' (Cyrus splits off the realm).
cat > "$dir/sasl/smtpd.conf" <<SASL
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $dir/sasl/sasldb2
SASL
sed 's/^mech_list: .*/mech_list: LOGIN/' "$dir/sasl/smtpd.conf" > "$dir/sasl/smtpd-login.conf"
printf '%s' 'p@ss:word' | saslpasswd2 -p -c -f "$dir/sasl/sasldb2" -u example.com alice
chown postfix "$dir/sasl/sasldb2"
chown postfix "$dir/data"

if ! script -qec "postfix -c '$dir' start" /dev/null > "$dir/start.log" 2>&1; then
  echo "smtp-peers: postfix did not start:" >&2; cat "$dir/start.log" >&2; exit 1
fi

# smtp-sink: no STARTTLS at all; -d keeps each message it receives.
smtp-sink -u nobody -d "$dir/sink/%M." -c 127.0.0.38:"$port" 100 > "$dir/sink.log" 2>&1 &
echo $! > "$dir/sink.pid"
chown nobody "$dir/sink"

for _ in $(seq 100); do
  up=1
  for i in 31 39 38 42; do port_free "127.0.0.$i" "$port" && up=0; done
  [ "$up" = 1 ] && break
  sleep 0.1
done
[ "$up" = 1 ] || { echo "smtp-peers: peers did not start listening; see $dir/maillog" >&2; exit 1; }
echo "SMTP_PORT=$port" > "$dir/peers.env"
echo "smtp peers on 127.0.0.31-39 port $port"
