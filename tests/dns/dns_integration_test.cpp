// The c-ares transport and the lookups against real DNS servers on loopback, started by the
// CTest fixture `dns` (tests/support/dns_peers.cpp): nsd serving the test zones, and a
// validating unbound in front of it for the AD bit. The "dead" server is a UDP socket bound
// here that never answers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "asio/asio.h"
#include "dns/cares_transport.h"
#include "dns/mx_lookup.h"
#include "dns/ptr_lookup.h"
#include "dns/sts_txt_lookup.h"
#include "tests/support/dns_peers.h"

namespace sealpost::dns {
namespace {

using namespace std::chrono_literals;

class Dns : public testing::Test {
 protected:
  void use(int port, CaresOptions options = {}) {
    options.servers = {"127.0.0.1:" + std::to_string(port)};
    auto t = CaresTransport::create(io_, options);
    ASSERT_TRUE(t) << t.error().message;
    transport_ = std::move(*t);
    resolver_ = std::make_unique<Resolver>(*transport_);
  }
  void use_nsd() { use(test::dns_peer_ports().nsd); }
  void use_unbound() { use(test::dns_peer_ports().unbound); }

  template <class T, class Start>
  T run(Start start) {
    std::optional<T> out;
    start([&](T r) { out = std::move(r); });
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (!out && std::chrono::steady_clock::now() < until) {
      io_.restart();
      io_.run_one_for(100ms);
    }
    EXPECT_TRUE(out) << "no answer within 20 s";
    return out.value_or(T{});
  }
  LookupResult lookup(const std::string& name, RrType type) {
    return run<LookupResult>([&](auto done) { resolver_->lookup(name, type, [done](const LookupResult& r) { done(r); }); });
  }
  MxResult mx(const std::string& domain) {
    return run<MxResult>([&](auto done) { lookup_mx(*resolver_, domain, done); });
  }
  PtrResult ptr(const char* ip) {
    return run<PtrResult>([&](auto done) { lookup_ptr(*resolver_, *policy::IpAddress::parse(ip), done); });
  }

  boost::asio::io_context io_;
  std::unique_ptr<CaresTransport> transport_;
  std::unique_ptr<Resolver> resolver_;
};

std::vector<std::string> names(const MxResult& r) {
  std::vector<std::string> out;
  for (const auto& h : r.hosts) out.push_back(h.name);
  return out;
}

TEST_F(Dns, MxOrderedByPreferenceWithAddresses) {
  use_nsd();
  const auto r = mx("multi.sealpost.test");
  ASSERT_EQ(r.status, MxStatus::kFound) << r.reason;
  EXPECT_EQ(names(r), (std::vector<std::string>{"mx-a.sealpost.test", "mx-b.sealpost.test", "mx-c.sealpost.test"}));
  EXPECT_EQ(r.hosts[0].addresses[0].to_string(), "127.0.0.11");
  ASSERT_EQ(r.hosts[2].addresses.size(), 2u);  // AAAA first, then A
  EXPECT_EQ(r.hosts[2].addresses[0].to_string(), "2001:db8::13");
}

TEST_F(Dns, EqualPreferencesComeInEveryOrder) {
  use_nsd();
  std::set<std::string> firsts;
  for (int i = 0; i < 40 && firsts.size() < 3; ++i) {
    const auto r = mx("equal.sealpost.test");
    ASSERT_EQ(r.hosts.size(), 3u);
    firsts.insert(r.hosts[0].name);
  }
  EXPECT_EQ(firsts.size(), 3u);
}

TEST_F(Dns, ImplicitNullAndBrokenMx) {
  use_nsd();
  const auto implicit = mx("implicit.sealpost.test");
  EXPECT_EQ(implicit.status, MxStatus::kFound);
  EXPECT_TRUE(implicit.implicit);
  EXPECT_EQ(implicit.hosts[0].addresses[0].to_string(), "127.0.0.30");
  EXPECT_EQ(mx("nomail.sealpost.test").status, MxStatus::kNotFound);
  const auto null = mx("nullmx.sealpost.test");
  EXPECT_EQ(null.status, MxStatus::kNullMx);
  EXPECT_EQ(null.reason, "nullmx.sealpost.test does not accept mail (null MX, RFC 7505)");
  const auto nowhere = mx("nowhere.sealpost.test");
  EXPECT_EQ(nowhere.status, MxStatus::kNotFound);
  EXPECT_NE(nowhere.hosts[0].problem.find("NXDOMAIN"), std::string::npos) << nowhere.hosts[0].problem;
  const auto ip = mx("iplit.sealpost.test");
  EXPECT_EQ(ip.status, MxStatus::kNotFound);
  EXPECT_EQ(ip.hosts[0].problem, "the MX target is an IP address, not a host name");
  EXPECT_EQ(mx("absent.sealpost.test").status, MxStatus::kNotFound);
}

TEST_F(Dns, CnameAtMxTargetFollowedAndIpv6Only) {
  use_nsd();
  const auto c = mx("cnamed.sealpost.test");
  ASSERT_EQ(c.status, MxStatus::kFound) << c.reason;
  EXPECT_EQ(c.hosts[0].addresses[0].to_string(), "127.0.0.40");
  const auto v6 = mx("v6only.sealpost.test");
  ASSERT_EQ(v6.status, MxStatus::kFound);
  EXPECT_EQ(v6.hosts[0].addresses.size(), 1u);
  EXPECT_EQ(v6.hosts[0].addresses[0].to_string(), "2001:db8::25");
}

TEST_F(Dns, PtrWithForwardConfirmationFacts) {
  use_nsd();
  const auto one = ptr("127.0.0.11");
  ASSERT_EQ(one.status, LookupStatus::kFound);
  ASSERT_EQ(one.names.size(), 1u);
  EXPECT_EQ(one.names[0].name, "mx-a.sealpost.test");
  EXPECT_TRUE(policy::forward_confirmed(one.names[0], policy::IpAddress::parse("127.0.0.11")));
  const auto two = ptr("127.0.0.12");
  ASSERT_EQ(two.names.size(), 2u);
  int confirmed = 0;
  for (const auto& n : two.names) confirmed += policy::forward_confirmed(n, policy::IpAddress::parse("127.0.0.12"));
  EXPECT_EQ(confirmed, 1);  // mx-b yes, other (127.0.0.99) no
  const auto un = ptr("127.0.0.60");
  ASSERT_EQ(un.names.size(), 1u);
  EXPECT_FALSE(policy::forward_confirmed(un.names[0], policy::IpAddress::parse("127.0.0.60")));
  const auto v6 = ptr("2001:db8::25");
  ASSERT_EQ(v6.names.size(), 1u);
  EXPECT_TRUE(policy::forward_confirmed(v6.names[0], policy::IpAddress::parse("2001:db8::25")));
  EXPECT_EQ(ptr("127.0.0.200").status, LookupStatus::kNotFound);
}

TEST_F(Dns, TlsaAndTxtParsed) {
  use_nsd();
  const auto tlsa = lookup("_25._tcp.mx-a.sealpost.test", RrType::kTlsa);
  ASSERT_EQ(tlsa.status, LookupStatus::kFound) << tlsa.reason;
  const auto& t = std::get<TlsaData>(tlsa.records[0].data);
  EXPECT_EQ(t.usage, 3);
  EXPECT_EQ(t.selector, 1);
  EXPECT_EQ(t.matching_type, 1);
  EXPECT_EQ(t.association.size(), 32u);
  EXPECT_EQ(t.association[0], 0x01);
  const auto txt = lookup("txt.sealpost.test", RrType::kTxt);
  ASSERT_EQ(txt.status, LookupStatus::kFound);
  EXPECT_EQ(std::get<std::vector<std::string>>(txt.records[0].data), (std::vector<std::string>{"v=spf1 -all", "second string"}));
}

TEST_F(Dns, MtaStsDiscoveryFromTheZone) {
  // RFC 8461 §3.1 against nsd: a record split in two strings, beside an SPF record.
  use_nsd();
  const auto r = run<StsTxtResult>([&](auto done) { lookup_sts_txt(*resolver_, "sts.sealpost.test", done); });
  EXPECT_EQ(r.answer, policy::StsTxtAnswer::kFound) << r.reason;
  EXPECT_EQ(r.id, "20261201T1");
  const auto none = run<StsTxtResult>([&](auto done) { lookup_sts_txt(*resolver_, "multi.sealpost.test", done); });
  EXPECT_EQ(none.answer, policy::StsTxtAnswer::kNone) << none.reason;
}

TEST_F(Dns, ServfailRefusedAndTimeoutAreTemporary) {
  use_nsd();
  const auto servfail = lookup("x.broken.test", RrType::kA);  // zone failed to load in nsd
  EXPECT_EQ(servfail.status, LookupStatus::kTemporaryFailure);
  EXPECT_NE(servfail.reason.find("SERVFAIL"), std::string::npos) << servfail.reason;
  const auto refused = lookup("example.org", RrType::kA);  // not nsd's zone
  EXPECT_EQ(refused.status, LookupStatus::kTemporaryFailure);
  EXPECT_NE(refused.reason.find("REFUSED"), std::string::npos) << refused.reason;
  EXPECT_EQ(mx("x.broken.test").status, MxStatus::kTemporaryFailure);

  // A server that never answers.
  const int s = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  use(ntohs(addr.sin_port), {.servers = {}, .try_timeout = 200ms, .tries = 1, .deadline = 2s});
  const auto timeout = lookup("multi.sealpost.test", RrType::kMx);
  close(s);
  EXPECT_EQ(timeout.status, LookupStatus::kTemporaryFailure);
  EXPECT_NE(timeout.reason.find("timeout"), std::string::npos) << timeout.reason;
}

TEST_F(Dns, QueuedLookupsStillMeetTheirDeadline) {
  // One query in flight at a time against a server that never answers: the queued ones must
  // time out on their own deadline too, not wait forever behind the first.
  const int s = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  use(ntohs(addr.sin_port), {.servers = {}, .try_timeout = 5s, .tries = 1, .deadline = 500ms, .max_in_flight = 1});
  int timeouts = 0;
  for (int i = 0; i < 3; ++i) {
    resolver_->lookup("q" + std::to_string(i) + ".sealpost.test", RrType::kA, [&](const LookupResult& r) {
      timeouts += r.status == LookupStatus::kTemporaryFailure && r.reason.find("deadline") != std::string::npos;
    });
  }
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (timeouts < 3 && std::chrono::steady_clock::now() < until) io_.run_one_for(100ms);
  close(s);
  EXPECT_EQ(timeouts, 3);
}

TEST_F(Dns, AdBitFromValidatingResolver) {
  use_unbound();
  const auto secure = lookup("signed.test", RrType::kMx);
  ASSERT_EQ(secure.status, LookupStatus::kFound) << secure.reason;
  EXPECT_TRUE(secure.authenticated);
  const auto insecure = lookup("multi.sealpost.test", RrType::kMx);
  ASSERT_EQ(insecure.status, LookupStatus::kFound) << insecure.reason;
  EXPECT_FALSE(insecure.authenticated);
  // Through the recursive resolver the whole MX resolution works too.
  const auto r = mx("multi.sealpost.test");
  EXPECT_EQ(r.status, MxStatus::kFound);
}

TEST_F(Dns, ManyLookupsInFlight) {
  use_nsd();
  int answered = 0;
  for (int i = 0; i < 300; ++i) {
    resolver_->lookup("n" + std::to_string(i) + ".sealpost.test", RrType::kA, [&](const LookupResult& r) {
      EXPECT_EQ(r.status, LookupStatus::kNotFound) << r.reason;
      ++answered;
    });
  }
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (answered < 300 && std::chrono::steady_clock::now() < until) io_.run_one_for(100ms);
  EXPECT_EQ(answered, 300);
}

}  // namespace
}  // namespace sealpost::dns
