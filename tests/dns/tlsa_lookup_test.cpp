// TLSA lookup for DANE (dns/tlsa_lookup.h; RFC 7672 §2.2.2–2.2.3, DANE-MTA-STS.md §1 rules
// 4–6) with a fake transport: which name is the TLSA base, and which class each answer is.
#include <gtest/gtest.h>

#include "dns/tlsa_lookup.h"
#include "tests/dns/fake_transport.h"

namespace sealpost::dns {
namespace {

using namespace test;
using policy::TlsaAnswer;

ResourceRecord tlsa(std::string owner) {
  return rr(std::move(owner), RrType::kTlsa, 300,
            TlsaData{.usage = 3, .selector = 1, .matching_type = 1, .association = std::vector<std::uint8_t>(32, 0xab)});
}
Message nodata(std::string name, RrType type, bool ad) {
  return reply(std::move(name), type, {}, Rcode::kNoError, {soa("example", 300, 60)}, ad);
}

struct Rig {
  FakeTransport transport;
  Resolver resolver{transport};

  // A host whose A answer is `a` and whose AAAA is a NODATA with the same AD bit.
  void host(const std::string& name, bool ad, std::vector<ResourceRecord> answers) {
    transport.answer(name, RrType::kA, reply(name, RrType::kA, std::move(answers), Rcode::kNoError, {}, ad));
    transport.answer(name, RrType::kAaaa, nodata(name, RrType::kAaaa, ad));
  }
  // One signed TLSA record at `owner`.
  void secure_tlsa(const std::string& owner) {
    transport.answer(owner, RrType::kTlsa, reply(owner, RrType::kTlsa, {tlsa(owner)}, Rcode::kNoError, {}, true));
  }
  TlsaLookupResult lookup(const std::string& host) {
    std::optional<TlsaLookupResult> out;
    lookup_tlsa(resolver, host, 25, [&](TlsaLookupResult r) { out = std::move(r); });
    transport.deliver();
    EXPECT_TRUE(out);
    return out.value_or(TlsaLookupResult{});
  }
};

TEST(TlsaLookup, SecureHostSecureRecords) {
  Rig rig;
  rig.host("mx.example", true, {a("mx.example", "192.0.2.1")});
  rig.secure_tlsa("_25._tcp.mx.example");
  const auto r = rig.lookup("MX.Example.");
  EXPECT_EQ(r.answer, TlsaAnswer::kSecureFound);
  EXPECT_EQ(r.base, "mx.example");
  EXPECT_EQ(r.owner, "_25._tcp.mx.example");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].usage, 3);
}

TEST(TlsaLookup, InsecureHostIsNotAskedForTlsa) {
  Rig rig;
  rig.host("mx.example", false, {a("mx.example", "192.0.2.1")});
  EXPECT_EQ(rig.lookup("mx.example").answer, TlsaAnswer::kNotLooked);
  EXPECT_EQ(rig.transport.queries, 2) << "A and AAAA only";
}

TEST(TlsaLookup, ClassesOfTheTlsaAnswer) {
  Rig rig;
  rig.host("mx.example", true, {a("mx.example", "192.0.2.1")});
  rig.transport.answer("_25._tcp.mx.example", RrType::kTlsa, nodata("_25._tcp.mx.example", RrType::kTlsa, true));
  EXPECT_EQ(rig.lookup("mx.example").answer, TlsaAnswer::kSecureEmpty);

  Rig insecure;
  insecure.host("mx.example", true, {a("mx.example", "192.0.2.1")});
  insecure.transport.answer(
      "_25._tcp.mx.example", RrType::kTlsa,
      reply("_25._tcp.mx.example", RrType::kTlsa, {tlsa("_25._tcp.mx.example")}, Rcode::kNoError, {}, false));
  EXPECT_EQ(insecure.lookup("mx.example").answer, TlsaAnswer::kInsecure) << "an unsigned answer is ignored (rule 6)";

  Rig failed;
  failed.host("mx.example", true, {a("mx.example", "192.0.2.1")});
  failed.transport.answer("_25._tcp.mx.example", RrType::kTlsa,
                          reply("_25._tcp.mx.example", RrType::kTlsa, {}, Rcode::kServFail, {}, false));
  const auto f = failed.lookup("mx.example");
  EXPECT_EQ(f.answer, TlsaAnswer::kFailed);
  EXPECT_NE(f.detail.find("SERVFAIL"), std::string::npos) << f.detail;
}

TEST(TlsaLookup, FailedAddressLookupOfASecureHostIsAFailure) {
  // kumomta#543: a bogus A answer (SERVFAIL) beside a signed AAAA denial must not read as insecure.
  Rig rig;
  rig.transport.answer("mx.example", RrType::kA, reply("mx.example", RrType::kA, {}, Rcode::kServFail));
  rig.transport.answer("mx.example", RrType::kAaaa, nodata("mx.example", RrType::kAaaa, true));
  EXPECT_EQ(rig.lookup("mx.example").answer, TlsaAnswer::kFailed);
}

TEST(TlsaLookup, SecureCnameExpandedNameFirstThenOriginal) {
  // Rule 5: the expanded name first; the original one when that is securely empty.
  Rig rig;
  rig.host("alias.example", true, {cname("alias.example", "real.example"), a("real.example", "192.0.2.1")});
  rig.transport.answer("_25._tcp.real.example", RrType::kTlsa, nodata("_25._tcp.real.example", RrType::kTlsa, true));
  rig.secure_tlsa("_25._tcp.alias.example");
  const auto r = rig.lookup("alias.example");
  EXPECT_EQ(r.answer, TlsaAnswer::kSecureFound);
  EXPECT_EQ(r.base, "alias.example");

  Rig first;
  first.host("alias.example", true, {cname("alias.example", "real.example"), a("real.example", "192.0.2.1")});
  first.secure_tlsa("_25._tcp.real.example");
  EXPECT_EQ(first.lookup("alias.example").base, "real.example");
}

TEST(TlsaLookup, CnameAtTheOwnerNameKeepsTheBase) {
  // RFC 7671 §7: the TLSA RRset may sit behind a CNAME; the base domain does not change.
  Rig rig;
  rig.host("mx.example", true, {a("mx.example", "192.0.2.1")});
  rig.transport.answer(
      "_25._tcp.mx.example", RrType::kTlsa,
      reply("_25._tcp.mx.example", RrType::kTlsa,
            {cname("_25._tcp.mx.example", "tlsa.hosting.example"), tlsa("tlsa.hosting.example")}, Rcode::kNoError, {}, true));
  const auto r = rig.lookup("mx.example");
  EXPECT_EQ(r.answer, TlsaAnswer::kSecureFound);
  EXPECT_EQ(r.base, "mx.example");
  EXPECT_EQ(r.records.size(), 1u);
}

TEST(TlsaLookup, SecureCnameIntoAnInsecureZone) {
  // Rule 4: the CNAME is signed, its target is not: TLSA at the original name.
  Rig rig;
  rig.host("alias.example", false, {cname("alias.example", "host.unsigned.example"), a("host.unsigned.example", "192.0.2.1")});
  rig.transport.answer(
      "alias.example", RrType::kCname,
      reply("alias.example", RrType::kCname, {cname("alias.example", "host.unsigned.example")}, Rcode::kNoError, {}, true));
  rig.secure_tlsa("_25._tcp.alias.example");
  const auto r = rig.lookup("alias.example");
  EXPECT_EQ(r.answer, TlsaAnswer::kSecureFound);
  EXPECT_EQ(r.base, "alias.example");

  Rig unsigned_cname;
  unsigned_cname.host("alias.example", false,
                      {cname("alias.example", "host.unsigned.example"), a("host.unsigned.example", "192.0.2.1")});
  unsigned_cname.transport.answer(
      "alias.example", RrType::kCname,
      reply("alias.example", RrType::kCname, {cname("alias.example", "host.unsigned.example")}, Rcode::kNoError, {}, false));
  EXPECT_EQ(unsigned_cname.lookup("alias.example").answer, TlsaAnswer::kNotLooked);
}

}  // namespace
}  // namespace sealpost::dns
