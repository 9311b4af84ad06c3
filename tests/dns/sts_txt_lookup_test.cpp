// MTA-STS discovery (dns/sts_txt_lookup.h; RFC 8461 §3.1) with a fake transport: strings
// concatenated per record, other records discarded, NXDOMAIN/NODATA as "none", SERVFAIL as a
// DNS error, a CNAME followed.
#include <gtest/gtest.h>

#include "dns/sts_txt_lookup.h"
#include "tests/dns/fake_transport.h"

namespace sealpost::dns {
namespace {

using namespace test;
using policy::StsTxtAnswer;

ResourceRecord txt(std::string owner, std::vector<std::string> strings) {
  return rr(std::move(owner), RrType::kTxt, 300, std::move(strings));
}

StsTxtResult lookup(FakeTransport& transport, const std::string& domain) {
  Resolver resolver(transport);
  std::optional<StsTxtResult> out;
  lookup_sts_txt(resolver, domain, [&](StsTxtResult r) { out = std::move(r); });
  transport.deliver();
  EXPECT_TRUE(out);
  return out.value_or(StsTxtResult{});
}

TEST(StsTxtLookup, StringsOfOneRecordAreConcatenated) {
  FakeTransport t;
  const std::string name = "_mta-sts.example.com";
  t.answer(name, RrType::kTxt,
           reply(name, RrType::kTxt, {txt(name, {"v=STSv1; id=2016", "0831085700Z;"}), txt(name, {"v=spf1 -all"})}));
  const auto r = lookup(t, "Example.COM.");
  EXPECT_EQ(r.answer, StsTxtAnswer::kFound);
  EXPECT_EQ(r.id, "20160831085700Z");
}

TEST(StsTxtLookup, NoneInvalidAndDnsError) {
  FakeTransport none;  // the fake answers NXDOMAIN to anything not programmed
  EXPECT_EQ(lookup(none, "example.com").answer, StsTxtAnswer::kNone);

  FakeTransport other;
  other.answer("_mta-sts.example.com", RrType::kTxt,
               reply("_mta-sts.example.com", RrType::kTxt, {txt("_mta-sts.example.com", {"hello"})}));
  EXPECT_EQ(lookup(other, "example.com").answer, StsTxtAnswer::kNone);

  FakeTransport two;
  two.answer("_mta-sts.example.com", RrType::kTxt,
             reply("_mta-sts.example.com", RrType::kTxt,
                   {txt("_mta-sts.example.com", {"v=STSv1; id=a"}), txt("_mta-sts.example.com", {"v=STSv1; id=b"})}));
  const auto invalid = lookup(two, "example.com");
  EXPECT_EQ(invalid.answer, StsTxtAnswer::kInvalid);
  EXPECT_NE(invalid.reason.find("2 TXT records"), std::string::npos) << invalid.reason;

  FakeTransport failing;
  failing.answer("_mta-sts.example.com", RrType::kTxt, reply("_mta-sts.example.com", RrType::kTxt, {}, Rcode::kServFail));
  EXPECT_EQ(lookup(failing, "example.com").answer, StsTxtAnswer::kDnsError);
}

TEST(StsTxtLookup, CnameIsFollowed) {
  FakeTransport t;
  t.answer("_mta-sts.example.com", RrType::kTxt,
           reply("_mta-sts.example.com", RrType::kTxt,
                 {cname("_mta-sts.example.com", "_mta-sts.provider.example"),
                  txt("_mta-sts.provider.example", {"v=STSv1; id=shared1"})}));
  EXPECT_EQ(lookup(t, "example.com").id, "shared1");
}

}  // namespace
}  // namespace sealpost::dns
