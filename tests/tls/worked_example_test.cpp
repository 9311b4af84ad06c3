// TLS-POLICY.md §10, all three variants, with a certificate made by openssl during the test
// (CN and SAN *.emailhosted.not, SAN emailhosted.not, issued by a trusted CA), through the
// library: tls/ validates the chain and extracts the names, policy/ decides.
#include <gtest/gtest.h>

#include "policy/verification.h"
#include "tests/support/test_pki.h"

namespace sealpost {
namespace {

using policy::IpAddress;

policy::VerificationTrace verify(policy::TlsSetting setting, const char* ptr_a_record) {
  tls::TrustStore store;
  store.add(test::trustpoint("test-root", "root.pem"));
  const auto chain = test::pki_certs("hosted-chain.pem");
  const policy::DeliveryFacts facts{.recipient_domain = "example.com",
                                    .mx_host = "mx01.subd.emailhosted.not",
                                    .connected_ip = IpAddress::parse("192.0.2.1"),
                                    .ptr = {{.name = "mx0a.emailhosted.not", .addresses = {*IpAddress::parse(ptr_a_record)}}},
                                    .route_hosts = {}};
  auto t = policy::verify_certificate(setting, store.validate(chain, test::kValidationTime), chain[0].names(), facts);
  EXPECT_TRUE(t);
  return *t;
}

TEST(WorkedExample, VerifyMatchesWildcardCnToConfirmedPtr) {
  const auto t = verify(policy::TlsSetting::kRequiredVerify, "192.0.2.1");
  EXPECT_TRUE(t.chain.ok) << t.chain.error;
  EXPECT_TRUE(t.verified) << t.verdict;
  EXPECT_EQ(t.identity.rule, "cn-ptr");
}

TEST(WorkedExample, HostedMatchesPtrAfterMxFails) {
  const auto t = verify(policy::TlsSetting::kRequiredVerifyHosted, "192.0.2.1");
  EXPECT_TRUE(t.verified) << t.verdict;
  EXPECT_EQ(t.identity.rule, "ptr-host");
}

TEST(WorkedExample, UnconfirmedPtrFailsBothOnIdentity) {
  for (auto s : {policy::TlsSetting::kRequiredVerify, policy::TlsSetting::kRequiredVerifyHosted}) {
    const auto t = verify(s, "192.0.2.99");
    EXPECT_TRUE(t.chain.ok);
    EXPECT_FALSE(t.verified);
    EXPECT_FALSE(t.identity.matched);
  }
}

}  // namespace
}  // namespace sealpost
