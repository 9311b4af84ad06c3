// The resolver's meaning of answers, its cache (fake clock), negative caching, in-flight
// collapsing and CNAME handling, with a fake transport.
#include <gtest/gtest.h>

#include "dns/mx_lookup.h"
#include "dns/ptr_lookup.h"
#include "dns/resolver.h"
#include "tests/dns/fake_transport.h"

namespace sealpost::dns {
namespace {

using namespace test;
using namespace std::chrono_literals;

struct Rig {
  FakeTransport transport;
  std::chrono::steady_clock::time_point now{};
  Resolver resolver{transport, {}, [this] { return now; }};

  LookupResult lookup(const std::string& name, RrType type) {
    std::optional<LookupResult> out;
    resolver.lookup(name, type, [&](const LookupResult& r) { out = r; });
    transport.deliver();
    EXPECT_TRUE(out);
    return out.value_or(LookupResult{});
  }
};

TEST(Resolver, FoundNotFoundAndTemporary) {
  Rig rig;
  rig.transport.answer("a.example", RrType::kA, reply("a.example", RrType::kA, {a("a.example", "192.0.2.1")}));
  rig.transport.answer("b.example", RrType::kA, reply("b.example", RrType::kA, {}, Rcode::kServFail));
  rig.transport.answer("c.example", RrType::kA, reply("c.example", RrType::kA, {}, Rcode::kRefused));
  rig.transport.answer("d.example", RrType::kA, Error{"timeout: no answer from the DNS server"});
  rig.transport.answer("e.example", RrType::kA, reply("e.example", RrType::kA, {}));  // NODATA
  EXPECT_EQ(rig.lookup("A.Example.", RrType::kA).status, LookupStatus::kFound);
  EXPECT_EQ(rig.lookup("b.example", RrType::kA).status, LookupStatus::kTemporaryFailure);
  EXPECT_EQ(rig.lookup("c.example", RrType::kA).status, LookupStatus::kTemporaryFailure);
  const auto timeout = rig.lookup("d.example", RrType::kA);
  EXPECT_EQ(timeout.status, LookupStatus::kTemporaryFailure);
  EXPECT_EQ(timeout.reason, "timeout: no answer from the DNS server");
  EXPECT_EQ(rig.lookup("e.example", RrType::kA).reason, "NODATA: no A record for e.example");
  EXPECT_EQ(rig.lookup("z.example", RrType::kA).reason, "NXDOMAIN: z.example does not exist");
}

TEST(Resolver, AnswerToAnotherQuestionIsRefused) {
  Rig rig;
  rig.transport.answer("a.example", RrType::kA, reply("b.example", RrType::kA, {a("b.example", "192.0.2.1")}));
  EXPECT_EQ(rig.lookup("a.example", RrType::kA).status, LookupStatus::kTemporaryFailure);
}

TEST(Resolver, CacheHonoursTtlWithFloorAndCap) {
  Rig rig;
  rig.transport.answer("a.example", RrType::kA, reply("a.example", RrType::kA, {a("a.example", "192.0.2.1", 120)}));
  rig.transport.answer("zero.example", RrType::kA, reply("zero.example", RrType::kA, {a("zero.example", "192.0.2.2", 0)}));
  rig.transport.answer("huge.example", RrType::kA, reply("huge.example", RrType::kA, {a("huge.example", "192.0.2.3", 604800)}));
  EXPECT_FALSE(rig.lookup("a.example", RrType::kA).from_cache);
  rig.now += 119s;
  const auto hit = rig.lookup("a.example", RrType::kA);
  EXPECT_TRUE(hit.from_cache);
  EXPECT_EQ(hit.ttl, 1u);
  rig.now += 1s;
  EXPECT_FALSE(rig.lookup("a.example", RrType::kA).from_cache);  // expired
  EXPECT_EQ(rig.transport.queries, 2);

  EXPECT_EQ(rig.lookup("zero.example", RrType::kA).ttl, 5u);     // floor
  EXPECT_EQ(rig.lookup("huge.example", RrType::kA).ttl, 3600u);  // cap
  rig.now += 3601s;
  EXPECT_FALSE(rig.lookup("huge.example", RrType::kA).from_cache);
}

TEST(Resolver, NegativeAnswersCachedBrieflyFromSoa) {
  Rig rig;
  rig.transport.answer("n.example", RrType::kA, reply("n.example", RrType::kA, {}, Rcode::kNxDomain, {soa("example", 3600, 30)}));
  rig.transport.answer("m.example", RrType::kA,
                       reply("m.example", RrType::kA, {}, Rcode::kNxDomain, {soa("example", 3600, 900)}));
  EXPECT_EQ(rig.lookup("n.example", RrType::kA).ttl, 30u);  // SOA minimum
  EXPECT_EQ(rig.lookup("m.example", RrType::kA).ttl, 60u);  // capped
  EXPECT_TRUE(rig.lookup("n.example", RrType::kA).from_cache);
  rig.now += 31s;
  EXPECT_FALSE(rig.lookup("n.example", RrType::kA).from_cache);
  // Without an SOA a negative answer is kept for min_ttl only (5 s; see resolver.cpp).
  const int before = rig.transport.queries;
  EXPECT_EQ(rig.lookup("nosoa.example", RrType::kA).ttl, 5u);
  EXPECT_TRUE(rig.lookup("nosoa.example", RrType::kA).from_cache);
  EXPECT_EQ(rig.transport.queries, before + 1);
  rig.now += 6s;
  EXPECT_FALSE(rig.lookup("nosoa.example", RrType::kA).from_cache);
  EXPECT_EQ(rig.transport.queries, before + 2);
}

TEST(Resolver, TemporaryFailuresAreNeverCached) {
  Rig rig;
  rig.transport.answer("b.example", RrType::kA, reply("b.example", RrType::kA, {}, Rcode::kServFail));
  rig.lookup("b.example", RrType::kA);
  rig.transport.answer("b.example", RrType::kA, reply("b.example", RrType::kA, {a("b.example", "192.0.2.9")}));
  EXPECT_EQ(rig.lookup("b.example", RrType::kA).status, LookupStatus::kFound);
}

TEST(Resolver, IdenticalLookupsInFlightCollapse) {
  Rig rig;
  rig.transport.answer("a.example", RrType::kA, reply("a.example", RrType::kA, {a("a.example", "192.0.2.1")}));
  int answered = 0;
  for (int i = 0; i < 10; ++i) {
    rig.resolver.lookup("a.example", RrType::kA, [&](const LookupResult& r) {
      EXPECT_EQ(r.status, LookupStatus::kFound);
      ++answered;
    });
  }
  rig.transport.deliver();
  EXPECT_EQ(answered, 10);
  EXPECT_EQ(rig.transport.queries, 1);
  EXPECT_EQ(rig.resolver.stats().collapsed, 9u);
}

TEST(Resolver, CnameInTheAnswerAndFollowUp) {
  Rig rig;
  // A recursive resolver hands the whole chain.
  rig.transport.answer(
      "www.example", RrType::kA,
      reply("www.example", RrType::kA, {cname("www.example", "web.example", 60), a("web.example", "192.0.2.5")}));
  const auto r = rig.lookup("www.example", RrType::kA);
  EXPECT_EQ(r.status, LookupStatus::kFound);
  EXPECT_EQ(r.canonical_name, "web.example");
  EXPECT_EQ(r.ttl, 60u);
  // An authoritative server gives only the CNAME to another zone: it is followed.
  rig.transport.answer("alias.example", RrType::kA,
                       reply("alias.example", RrType::kA, {cname("alias.example", "real.other")}, Rcode::kNoError, {}, true));
  rig.transport.answer("real.other", RrType::kA,
                       reply("real.other", RrType::kA, {a("real.other", "192.0.2.6")}, Rcode::kNoError, {}, true));
  const auto f = rig.lookup("alias.example", RrType::kA);
  EXPECT_EQ(f.status, LookupStatus::kFound);
  EXPECT_EQ(f.canonical_name, "real.other");
  EXPECT_TRUE(f.authenticated);
}

TEST(Resolver, RecordsOfAnotherClassAreNoAnswer) {
  // Found by fuzz_tlsa: a CNAME of class CHAOS (data not parsed) was followed and threw.
  Rig rig;
  rig.transport.answer("x.example", RrType::kA,
                       reply("x.example", RrType::kA,
                             {rr("x.example", RrType::kCname, 300, UnknownData{}),
                              rr("x.example", RrType::kA, 300, UnknownData{}), a("x.example", "192.0.2.7")}));
  const auto r = rig.lookup("x.example", RrType::kA);
  EXPECT_EQ(r.status, LookupStatus::kFound);
  EXPECT_EQ(r.canonical_name, "x.example");
  ASSERT_EQ(r.records.size(), 1u);
}

TEST(Resolver, CnameLoopEndsAsTemporaryFailure) {
  Rig rig;
  rig.transport.answer("a.example", RrType::kA, reply("a.example", RrType::kA, {cname("a.example", "b.example")}));
  rig.transport.answer("b.example", RrType::kA, reply("b.example", RrType::kA, {cname("b.example", "a.example")}));
  const auto r = rig.lookup("a.example", RrType::kA);
  EXPECT_EQ(r.status, LookupStatus::kTemporaryFailure);
  EXPECT_NE(r.reason.find("loops"), std::string::npos) << r.reason;
}

// MX logic on the fake.
MxResult mx_lookup(Rig& rig, const std::string& domain, std::function<std::uint32_t()> random = {}) {
  std::optional<MxResult> out;
  lookup_mx(rig.resolver, domain, [&](MxResult r) { out = std::move(r); }, {.random = std::move(random)});
  rig.transport.deliver();
  EXPECT_TRUE(out);
  return out.value_or(MxResult{});
}

TEST(MxLookup, OrderedByPreferenceEqualOnesShuffled) {
  Rig rig;
  rig.transport.answer(
      "d.example", RrType::kMx,
      reply("d.example", RrType::kMx,
            {mx("d.example", 20, "c.example"), mx("d.example", 10, "a.example"), mx("d.example", 10, "b.example")}));
  for (const char* h : {"a.example", "b.example", "c.example"}) {
    rig.transport.answer(h, RrType::kA, reply(h, RrType::kA, {a(h, "192.0.2.1")}));
    rig.transport.answer(h, RrType::kAaaa, reply(h, RrType::kAaaa, {}));
  }
  std::set<std::string> firsts;
  for (std::uint32_t seed = 0; seed < 4; ++seed) {
    const auto r = mx_lookup(rig, "d.example", [seed] { return seed; });
    ASSERT_EQ(r.status, MxStatus::kFound);
    ASSERT_EQ(r.hosts.size(), 3u);
    EXPECT_EQ(r.hosts[2].name, "c.example");
    firsts.insert(r.hosts[0].name);
  }
  EXPECT_EQ(firsts, (std::set<std::string>{"a.example", "b.example"}));
}

TEST(MxLookup, NullImplicitAndProblems) {
  Rig rig;
  rig.transport.answer("null.example", RrType::kMx, reply("null.example", RrType::kMx, {mx("null.example", 0, "")}));
  EXPECT_EQ(mx_lookup(rig, "null.example").status, MxStatus::kNullMx);
  // A null MX beside real ones is ignored (RFC 7505 §3).
  rig.transport.answer("mixed.example", RrType::kMx,
                       reply("mixed.example", RrType::kMx, {mx("mixed.example", 0, ""), mx("mixed.example", 10, "h.example")}));
  rig.transport.answer("h.example", RrType::kA, reply("h.example", RrType::kA, {a("h.example", "192.0.2.8")}));
  EXPECT_EQ(mx_lookup(rig, "mixed.example").status, MxStatus::kFound);
  // No MX: the domain itself.
  rig.transport.answer("plain.example", RrType::kMx, reply("plain.example", RrType::kMx, {}));
  rig.transport.answer("plain.example", RrType::kA, reply("plain.example", RrType::kA, {a("plain.example", "192.0.2.9")}));
  const auto implicit = mx_lookup(rig, "plain.example");
  EXPECT_EQ(implicit.status, MxStatus::kFound);
  EXPECT_TRUE(implicit.implicit);
  // An MX that is an IP address, and one without addresses.
  rig.transport.answer("ip.example", RrType::kMx, reply("ip.example", RrType::kMx, {mx("ip.example", 10, "192.0.2.1")}));
  const auto ip = mx_lookup(rig, "ip.example");
  EXPECT_EQ(ip.status, MxStatus::kNotFound);
  EXPECT_EQ(ip.hosts[0].problem, "the MX target is an IP address, not a host name");
  // A temporary failure on the only host's addresses defers, never bounces.
  rig.transport.answer("t.example", RrType::kMx, reply("t.example", RrType::kMx, {mx("t.example", 10, "s.example")}));
  rig.transport.answer("s.example", RrType::kA, reply("s.example", RrType::kA, {}, Rcode::kServFail));
  rig.transport.answer("s.example", RrType::kAaaa, reply("s.example", RrType::kAaaa, {}, Rcode::kServFail));
  EXPECT_EQ(mx_lookup(rig, "t.example").status, MxStatus::kTemporaryFailure);
  rig.transport.answer("sf.example", RrType::kMx, reply("sf.example", RrType::kMx, {}, Rcode::kServFail));
  EXPECT_EQ(mx_lookup(rig, "sf.example").status, MxStatus::kTemporaryFailure);
  EXPECT_EQ(mx_lookup(rig, "nx.example").status, MxStatus::kNotFound);
}

TEST(MxLookup, CallbacksRunOnceEvenWhenEverythingIsCached) {
  Rig rig;
  rig.transport.answer("d.example", RrType::kMx,
                       reply("d.example", RrType::kMx, {mx("d.example", 10, "h.example")}, Rcode::kNoError, {}, false));
  rig.transport.answer("h.example", RrType::kA, reply("h.example", RrType::kA, {a("h.example", "192.0.2.8")}));
  rig.transport.answer(
      "8.2.0.192.in-addr.arpa", RrType::kPtr,
      reply("8.2.0.192.in-addr.arpa", RrType::kPtr, {rr("8.2.0.192.in-addr.arpa", RrType::kPtr, 300, std::string("h.example"))}));
  for (int round = 0; round < 2; ++round) {  // the second round is served from the cache
    int mx_calls = 0, ptr_calls = 0;
    lookup_mx(rig.resolver, "d.example", [&](MxResult r) {
      ++mx_calls;
      EXPECT_EQ(r.hosts.size(), 1u);
    });
    lookup_ptr(rig.resolver, *policy::IpAddress::parse("192.0.2.8"), [&](PtrResult r) {
      ++ptr_calls;
      ASSERT_EQ(r.names.size(), 1u);
      EXPECT_TRUE(policy::forward_confirmed(r.names[0], policy::IpAddress::parse("192.0.2.8")));
    });
    rig.transport.deliver();
    EXPECT_EQ(mx_calls, 1) << "round " << round;
    EXPECT_EQ(ptr_calls, 1) << "round " << round;
  }
}

TEST(PtrLookup, ReverseNames) {
  EXPECT_EQ(reverse_name(*policy::IpAddress::parse("192.0.2.1")), "1.2.0.192.in-addr.arpa");
  EXPECT_EQ(reverse_name(*policy::IpAddress::parse("2001:db8::25")),
            "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

}  // namespace
}  // namespace sealpost::dns
