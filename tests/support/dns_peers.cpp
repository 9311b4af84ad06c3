// Test DNS peers, started and stopped by the tests (CTest fixture `dns`):
//   dns_peers start DIR   writes test zones, signs signed.test with ldns-signzone, starts nsd
//                         (authoritative) and unbound (validating, in front of nsd) on free
//                         loopback ports; writes DIR/peers.env (NSD_PORT=…, UNBOUND_PORT=…).
//   dns_peers stop DIR    stops both by the PIDs in their pidfiles.
// nsd runs without chroot and without rate limiting (TEST-RIG.md: RRL stalls tests).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

namespace fs = std::filesystem;

namespace {

constexpr const char* kZone = R"($TTL 300
@        IN SOA ns hostmaster 1 3600 900 604800 60
@        IN NS  ns
ns       IN A   127.0.0.1
; several preferences, listed out of order
multi    IN MX  20 mx-b
multi    IN MX  10 mx-a
multi    IN MX  30 mx-c
mx-a     IN A   127.0.0.11
mx-b     IN A   127.0.0.12
mx-c     IN A   127.0.0.13
mx-c     IN AAAA 2001:db8::13
; equal preferences
equal    IN MX  10 e1
equal    IN MX  10 e2
equal    IN MX  10 e3
e1       IN A   127.0.0.21
e2       IN A   127.0.0.22
e3       IN A   127.0.0.23
; no MX: the domain's own address is the implicit MX
implicit IN A   127.0.0.30
; no MX and no address
nomail   IN TXT "no mail here"
; null MX (RFC 7505)
nullmx   IN MX  0 .
; MX target behind a CNAME
cnamed   IN MX  10 alias
alias    IN CNAME real
real     IN A   127.0.0.40
; IPv6-only host
v6only   IN MX  10 mx6
mx6      IN AAAA 2001:db8::25
; MX pointing nowhere, and an MX that is an IP address
nowhere  IN MX  10 missing
iplit    IN MX  10 192.0.2.1.
; PTR targets
other    IN A   127.0.0.99
unconfirmed IN A 127.0.0.61
; TLSA and TXT
_25._tcp.mx-a IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
txt      IN TXT "v=spf1 -all" "second string"
; MTA-STS discovery (RFC 8461 §3.1): one record in two strings, beside another TXT record
_mta-sts.sts IN TXT "v=STSv1; " "id=20261201T1;"
_mta-sts.sts IN TXT "v=spf1 -all"
_mta-sts.s404 IN TXT "v=STSv1; id=gone1"
; TLS-RPT discovery (RFC 8460 §3): two URIs; and a record whose only URI has another scheme
_smtp._tls.sts IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@sts.sealpost.test," "https://report.sealpost.test/v1"
_smtp._tls.bad IN TXT "v=TLSRPTv1;rua=ftp://report.sealpost.test/"
; MTA-STS policy hosts: one HTTPS server on 127.0.0.50 (tests/sts/mta-sts-fetch.sh)
mta-sts.sts IN A 127.0.0.50
mta-sts.crlf IN A 127.0.0.50
mta-sts.s404 IN A 127.0.0.50
mta-sts.s301 IN A 127.0.0.50
mta-sts.ctype IN A 127.0.0.50
mta-sts.big IN A 127.0.0.50
mta-sts.invalid IN A 127.0.0.50
mta-sts.slow IN A 127.0.0.50
mta-sts.wrongname IN A 127.0.0.50
)";

// The SMTP test world (tests/support/smtp-peers.sh): one recipient domain per peer, each
// peer on its own loopback address with its own certificate.
constexpr const char* kMailZone = R"($TTL 300
@          IN SOA ns.sealpost.test. hostmaster.sealpost.test. 1 3600 900 604800 60
@          IN NS  ns.sealpost.test.
mxname     IN MX  10 mx-name
mx-name    IN A   127.0.0.31
wild       IN MX  10 mx-wild
mx-wild    IN A   127.0.0.32
; a second domain on mx-wild (*.mail.test): connection reuse across domains
shared     IN MX  10 mx-wild
tls12      IN MX  10 mx-tls12
mx-tls12   IN A   127.0.0.51
cnonly     IN MX  10 mx-cn
mx-cn      IN A   127.0.0.33
expired    IN MX  10 mx-expired
mx-expired IN A   127.0.0.34
selfsigned IN MX  10 mx-self
mx-self    IN A   127.0.0.35
untrusted  IN MX  10 mx-untrusted
mx-untrusted IN A 127.0.0.36
ptr        IN MX  10 mx-ptr
mx-ptr     IN A   127.0.0.37
ptr-host   IN A   127.0.0.37
plain      IN MX  10 mx-plain
mx-plain   IN A   127.0.0.38
smtp       IN A   127.0.0.39
smtps      IN A   127.0.0.42
scripted   IN MX  10 mx-scripted
mx-scripted IN A  127.0.0.40
; the first MX fails verification, the second passes (Hosted: mx-host)
failover   IN MX  10 mx-expired
failover   IN MX  20 mx-name
; no MX host answers at all
down       IN MX  10 mx-down
mx-down    IN A   127.0.0.41
; internationalized (RFC 5890): bücher to a peer with SMTPUTF8, café to one without
xn--bcher-kva IN MX 10 mx-idn
mx-idn     IN A   127.0.0.52
xn--caf-dma IN MX 10 mx-idn-ascii
mx-idn-ascii IN A 127.0.0.53
)";

constexpr const char* kReverse4 = R"($TTL 300
@  IN SOA ns.sealpost.test. hostmaster.sealpost.test. 1 3600 900 604800 60
@  IN NS  ns.sealpost.test.
11 IN PTR mx-a.sealpost.test.
12 IN PTR mx-b.sealpost.test.
12 IN PTR other.sealpost.test.
60 IN PTR unconfirmed.sealpost.test.
37 IN PTR ptr-host.mail.test.
)";

constexpr const char* kReverse6 = R"($TTL 300
@  IN SOA ns.sealpost.test. hostmaster.sealpost.test. 1 3600 900 604800 60
@  IN NS  ns.sealpost.test.
5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR mx6.sealpost.test.
)";

constexpr const char* kSigned = R"($ORIGIN signed.test.
$TTL 300
@  IN SOA ns hostmaster 1 3600 900 604800 60
@  IN NS  ns
ns IN A   127.0.0.1
@  IN MX  10 mx
mx IN A   127.0.0.3
)";

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

int run(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
}

// A port free for both UDP and TCP on 127.0.0.1.
int free_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int u = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(u, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || getsockname(u, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      close(u);
      continue;
    }
    const int t = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const bool ok = bind(t, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    const int port = ntohs(a.sin_port);
    close(t);
    close(u);
    if (ok) return port;
  }
  return -1;
}

bool answers(int port) {
  // TCP connect succeeds once the server listens.
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(s);
  return ok;
}

bool wait_for(int port) {
  for (int i = 0; i < 100; ++i) {
    if (answers(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void stop_pidfile(const fs::path& pidfile) {
  std::ifstream in(pidfile);
  pid_t pid = 0;
  if (!(in >> pid) || pid <= 1) return;
  kill(pid, SIGTERM);
  for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (kill(pid, 0) == 0) kill(pid, SIGKILL);
}

int start(const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string d = fs::absolute(dir).string();
  write(dir / "sealpost.test.zone", std::string("$ORIGIN sealpost.test.\n") + kZone);
  write(dir / "reverse4.zone", std::string("$ORIGIN 0.0.127.in-addr.arpa.\n") + kReverse4);
  write(dir / "reverse6.zone", std::string("$ORIGIN 8.b.d.0.1.0.0.2.ip6.arpa.\n") + kReverse6);
  write(dir / "broken.zone", "this is not a zone file\n");
  write(dir / "mail.test.zone", std::string("$ORIGIN mail.test.\n") + kMailZone);
  write(dir / "signed.test.zone", kSigned);
  // Signed at fixture time: signatures are valid for 4 weeks from now (TEST-RIG.md).
  if (run("cd '" + d +
          "' && key=$(ldns-keygen -a ECDSAP256SHA256 -k signed.test) && "
          "ldns-signzone -o signed.test signed.test.zone \"$key\" && cp \"$key.ds\" signed.test.ds") != 0) {
    std::cerr << "dns_peers: signing signed.test failed\n";
    return 1;
  }
  std::ifstream ds_in(dir / "signed.test.ds");
  std::string ds((std::istreambuf_iterator<char>(ds_in)), {});
  for (char& c : ds) c = (c == '\t' || c == '\n') ? ' ' : c;

  const int nsd_port = free_port();
  std::ostringstream nsd;
  nsd << "server:\n  ip-address: 127.0.0.1@" << nsd_port << "\n  port: " << nsd_port
      << "\n  username: \"\"\n  chroot: \"\"\n  database: \"\"\n  zonesdir: \"" << d << "\"\n  pidfile: \"" << d
      << "/nsd.pid\"\n  logfile: \"" << d << "/nsd.log\"\n  xfrdfile: \"" << d << "/xfrd.state\"\n  zonelistfile: \"" << d
      << "/zone.list\"\n  server-count: 1\n  rrl-ratelimit: 0\n  verbosity: 1\nremote-control:\n  control-enable: no\n";
  for (const auto& [zone, file] : {std::pair{"sealpost.test", "sealpost.test.zone"},
                                   {"0.0.127.in-addr.arpa", "reverse4.zone"},
                                   {"8.b.d.0.1.0.0.2.ip6.arpa", "reverse6.zone"},
                                   {"broken.test", "broken.zone"},
                                   {"mail.test", "mail.test.zone"},
                                   {"signed.test", "signed.test.zone.signed"}}) {
    nsd << "zone:\n  name: " << zone << "\n  zonefile: " << file << "\n";
  }
  write(dir / "nsd.conf", nsd.str());
  if (run("nsd -c '" + d + "/nsd.conf'") != 0 || !wait_for(nsd_port)) {
    std::cerr << "dns_peers: nsd did not start; see " << d << "/nsd.log\n";
    return 1;
  }

  const int unbound_port = free_port();
  std::ostringstream ub;
  ub << "server:\n  interface: 127.0.0.1@" << unbound_port << "\n  port: " << unbound_port
     << "\n  username: \"\"\n  chroot: \"\"\n  directory: \"" << d << "\"\n  pidfile: \"" << d << "/unbound.pid\"\n  logfile: \""
     << d << "/unbound.log\"\n  use-syslog: no\n  do-not-query-localhost: no\n"
     << "  module-config: \"validator iterator\"\n  local-zone: \"test.\" nodefault\n"
     << "  local-zone: \"127.in-addr.arpa.\" nodefault\n  trust-anchor: \"" << ds << "\"\n"
     << "  num-threads: 1\nremote-control:\n  control-enable: no\n";
  for (const char* zone : {"sealpost.test", "signed.test", "broken.test", "0.0.127.in-addr.arpa"}) {
    ub << "stub-zone:\n  name: \"" << zone << "\"\n  stub-addr: 127.0.0.1@" << nsd_port << "\n";
  }
  write(dir / "unbound.conf", ub.str());
  if (run("unbound -c '" + d + "/unbound.conf'") != 0 || !wait_for(unbound_port)) {
    std::cerr << "dns_peers: unbound did not start; see " << d << "/unbound.log\n";
    stop_pidfile(dir / "nsd.pid");
    return 1;
  }
  write(dir / "peers.env", "NSD_PORT=" + std::to_string(nsd_port) + "\nUNBOUND_PORT=" + std::to_string(unbound_port) + "\n");
  std::cout << "nsd on 127.0.0.1:" << nsd_port << ", unbound on 127.0.0.1:" << unbound_port << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: dns_peers start|stop DIR\n";
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "start") return start(argv[2]);
  if (cmd == "stop") {
    stop_pidfile(fs::path(argv[2]) / "unbound.pid");
    stop_pidfile(fs::path(argv[2]) / "nsd.pid");
    return 0;
  }
  std::cerr << "usage: dns_peers start|stop DIR\n";
  return 2;
}
