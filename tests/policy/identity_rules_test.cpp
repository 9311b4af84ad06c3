// The Verify (TLS-POLICY.md §8) and Hosted (§9) rules, and the worked example of §10 with
// the certificate's names given directly (the same example with real certificates made by
// openssl is in tests/tls/worked_example_test.cpp).
#include <gtest/gtest.h>

#include "policy/verification.h"

namespace sealpost::policy {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

const ChainResult kTrusted{.ok = true, .anchor = "test-ca", .anchor_subject = "CN=Test CA", .error = {}, .error_subject = {}};

// §10: recipient example.com, MX mx01.subd.emailhosted.not -> 192.0.2.1,
// PTR(192.0.2.1) = mx0a.emailhosted.not with A = 192.0.2.1.
DeliveryFacts worked_example_facts() {
  return {.recipient_domain = "example.com",
          .mx_host = "mx01.subd.emailhosted.not",
          .connected_ip = ip("192.0.2.1"),
          .ptr = {{.name = "mx0a.emailhosted.not", .addresses = {ip("192.0.2.1")}}},
          .route_hosts = {}};
}

CertificateNames worked_example_cert() {
  return {.dns_names = {"*.emailhosted.not", "emailhosted.not"}, .common_names = {"*.emailhosted.not"}, .ip_addresses = {}};
}

VerificationTrace run(TlsSetting s, const CertificateNames& cert, const DeliveryFacts& facts, ChainResult chain = kTrusted) {
  auto t = verify_certificate(s, std::move(chain), cert, facts);
  EXPECT_TRUE(t) << (t ? "" : t.error().message);
  return *t;
}

TEST(WorkedExampleS10, VerifyMatchesCnAgainstForwardConfirmedPtr) {
  const auto t = run(TlsSetting::kRequiredVerify, worked_example_cert(), worked_example_facts());
  EXPECT_TRUE(t.verified) << t.verdict;
  EXPECT_EQ(t.identity.rule, "cn-ptr");
  ASSERT_TRUE(t.identity.match);
  EXPECT_EQ(t.presented[t.identity.match->presented].kind, PresentedKind::kCnId);
  EXPECT_EQ(t.ref_ids[t.identity.match->ref_id].value, "mx0a.emailhosted.not");
  // Before the match: both DNS-IDs and the CN against example.com, all failing.
  ASSERT_EQ(t.identity.comparisons.size(), 4u);
  EXPECT_EQ(t.identity.comparisons[0].rule, "san-recipient-domain");
  EXPECT_EQ(t.identity.comparisons[1].rule, "san-recipient-domain");
  EXPECT_EQ(t.identity.comparisons[2].rule, "cn-recipient-domain");
  EXPECT_EQ(t.identity.comparisons[3].result, NameMatch::kWildcard);
}

TEST(WorkedExampleS10, HostedSkipsMxBecauseWildcardCoversOneLabelAndMatchesPtr) {
  const auto t = run(TlsSetting::kRequiredVerifyHosted, worked_example_cert(), worked_example_facts());
  EXPECT_TRUE(t.verified) << t.verdict;
  EXPECT_EQ(t.identity.rule, "ptr-host");
  // recipient-domain x2, mx-host x2 (no match: one label only), then ptr-host: wildcard.
  ASSERT_EQ(t.identity.comparisons.size(), 5u);
  EXPECT_EQ(t.identity.comparisons[2].rule, "mx-host");
  EXPECT_EQ(t.identity.comparisons[2].result, NameMatch::kNone);
  EXPECT_EQ(t.identity.comparisons[4].result, NameMatch::kWildcard);
}

TEST(WorkedExampleS10, UnconfirmedPtrMatchesNothingInEitherRuleSet) {
  DeliveryFacts facts = worked_example_facts();
  facts.ptr[0].addresses = {ip("192.0.2.99")};
  for (auto s : {TlsSetting::kRequiredVerify, TlsSetting::kRequiredVerifyHosted}) {
    const auto t = run(s, worked_example_cert(), facts);
    EXPECT_FALSE(t.verified);
    EXPECT_TRUE(t.chain.ok);
    EXPECT_FALSE(t.identity.matched);
    const auto& ptr = t.ref_ids.back();
    EXPECT_EQ(ptr.source, RefSource::kPtrHost);
    EXPECT_FALSE(ptr.trusted);
    EXPECT_NE(ptr.note.find("not forward-confirmed"), std::string::npos) << ptr.note;
  }
}

TEST(VerifyRulesS8, CnIsConsultedEvenWhenSanPresent) {
  const CertificateNames cert{.dns_names = {"other.example.net"}, .common_names = {"example.com"}, .ip_addresses = {}};
  const auto verify = run(TlsSetting::kRequiredVerify, cert, worked_example_facts());
  EXPECT_TRUE(verify.verified);
  EXPECT_EQ(verify.identity.rule, "cn-recipient-domain");
  // Hosted never falls back to the CN when a DNS-ID exists (RFC 6125 §6.4.4).
  const auto hosted = run(TlsSetting::kRequiredVerifyHosted, cert, worked_example_facts());
  EXPECT_FALSE(hosted.verified);
  for (const auto& c : hosted.identity.comparisons) EXPECT_NE(hosted.presented[c.presented].kind, PresentedKind::kCnId);
}

TEST(VerifyRulesS8, SanMatchesRecipientDomainFirst) {
  const CertificateNames cert{.dns_names = {"example.com"}, .common_names = {"example.com"}, .ip_addresses = {}};
  const auto t = run(TlsSetting::kPreferredVerify, cert, worked_example_facts());
  EXPECT_EQ(t.identity.rule, "san-recipient-domain");
  EXPECT_EQ(t.identity.comparisons.size(), 1u);
}

TEST(VerifyRulesS8, MxHostIsNeverAReferenceIdentifier) {
  const CertificateNames cert{
      .dns_names = {"mx01.subd.emailhosted.not"}, .common_names = {"mx01.subd.emailhosted.not"}, .ip_addresses = {}};
  DeliveryFacts facts = worked_example_facts();
  facts.ptr.clear();
  const auto verify = run(TlsSetting::kRequiredVerify, cert, facts);
  EXPECT_FALSE(verify.verified);
  const auto& mx = verify.ref_ids[1];
  EXPECT_EQ(mx.source, RefSource::kMxHost);
  EXPECT_FALSE(mx.trusted);
  // ... while Hosted accepts it.
  const auto hosted = run(TlsSetting::kRequiredVerifyHosted, cert, facts);
  EXPECT_TRUE(hosted.verified);
  EXPECT_EQ(hosted.identity.rule, "mx-host");
}

TEST(VerifyRulesS8, PtrIsComparedWithTheCnOnly) {
  const CertificateNames cert{
      .dns_names = {"mx0a.emailhosted.not"}, .common_names = {"unrelated.example.net"}, .ip_addresses = {}};
  const auto t = run(TlsSetting::kRequiredVerify, cert, worked_example_facts());
  EXPECT_FALSE(t.verified);
}

TEST(HostedRulesS9, CnUsedOnlyWhenNoDnsId) {
  const CertificateNames cert{.dns_names = {}, .common_names = {"mx01.subd.emailhosted.not"}, .ip_addresses = {}};
  const auto t = run(TlsSetting::kRequiredVerifyHosted, cert, worked_example_facts());
  EXPECT_TRUE(t.verified);
  EXPECT_EQ(t.identity.rule, "mx-host");
}

TEST(HostedRulesS9, MalformedDnsIdStillBlocksCnFallback) {
  const CertificateNames cert{
      .dns_names = {std::string("example.com\0.evil", 17)}, .common_names = {"example.com"}, .ip_addresses = {}};
  const auto t = run(TlsSetting::kRequiredVerifyHosted, cert, worked_example_facts());
  EXPECT_FALSE(t.verified);
  EXPECT_TRUE(t.presented[0].is_malformed());
  EXPECT_EQ(t.presented[0].raw, "example.com\\x00.evil");
}

DeliveryFacts route_facts(std::vector<std::string> hosts, const char* connected) {
  return {.recipient_domain = "example.com",
          .mx_host = std::nullopt,
          .connected_ip = ip(connected),
          .ptr = {{.name = "relay7.provider.net", .addresses = {ip(connected)}}},
          .route_hosts = std::move(hosts)};
}

TEST(HostedRulesS9, RouteHostsReplaceTheMxHost) {
  const CertificateNames cert{.dns_names = {"smtp2.provider.net"}, .common_names = {}, .ip_addresses = {}};
  // Every host of the route is a REF-ID, not only the one connected to.
  const auto t =
      run(TlsSetting::kRequiredVerifyHosted, cert, route_facts({"smtp1.provider.net", "smtp2.provider.net"}, "192.0.2.7"));
  EXPECT_TRUE(t.verified);
  EXPECT_EQ(t.identity.rule, "route-host");
  // The MX host is never used with a route, even if the facts carry one.
  DeliveryFacts with_mx = route_facts({"smtp1.provider.net"}, "192.0.2.7");
  with_mx.mx_host = "smtp2.provider.net";
  const auto t2 = run(TlsSetting::kRequiredVerifyHosted, cert, with_mx);
  EXPECT_FALSE(t2.verified);
}

TEST(HostedRulesS9, RouteGivenAsNameGetsNoPtrCheck) {
  const CertificateNames cert{.dns_names = {"relay7.provider.net"}, .common_names = {}, .ip_addresses = {}};
  const auto by_name = run(TlsSetting::kRequiredVerifyHosted, cert, route_facts({"smtp.provider.net"}, "192.0.2.7"));
  EXPECT_FALSE(by_name.verified);
  // The same PTR, but the route host connected to is the IP itself: the PTR is checked.
  const auto by_ip = run(TlsSetting::kRequiredVerifyHosted, cert, route_facts({"192.0.2.7"}, "192.0.2.7"));
  EXPECT_TRUE(by_ip.verified);
  EXPECT_EQ(by_ip.identity.rule, "ptr-host");
}

TEST(HostedRulesS9, RouteIpMatchesIpIdBeforePtr) {
  const CertificateNames cert{.dns_names = {"relay7.provider.net"}, .common_names = {}, .ip_addresses = {{192, 0, 2, 7}}};
  const auto t = run(TlsSetting::kRequiredVerifyHosted, cert, route_facts({"192.0.2.7"}, "192.0.2.7"));
  EXPECT_TRUE(t.verified);
  EXPECT_EQ(t.identity.rule, "route-ip");
}

TEST(Verification, ChainFailureIsNotVerifiedButIdentityIsStillReported) {
  ChainResult bad{.ok = false, .anchor = {}, .anchor_subject = {}, .error = "certificate has expired", .error_subject = "CN=mx"};
  const auto t = run(TlsSetting::kRequiredVerify, worked_example_cert(), worked_example_facts(), bad);
  EXPECT_FALSE(t.verified);
  EXPECT_TRUE(t.identity.matched);
  EXPECT_NE(t.verdict.find("chain"), std::string::npos);
}

TEST(Verification, SettingsThatDoNotVerifyStillAnswerWithVerifyRules) {
  const auto t = run(TlsSetting::kPreferred, worked_example_cert(), worked_example_facts());
  EXPECT_EQ(t.rules, IdentityRules::kVerify);
  EXPECT_TRUE(t.verified);
}

TEST(Verification, BadRecipientDomainIsAnInputError) {
  DeliveryFacts facts = worked_example_facts();
  facts.recipient_domain = "exa mple.com";
  EXPECT_FALSE(verify_certificate(TlsSetting::kRequiredVerify, kTrusted, worked_example_cert(), facts));
  facts.recipient_domain = "*.example.com";
  EXPECT_FALSE(verify_certificate(TlsSetting::kRequiredVerify, kTrusted, worked_example_cert(), facts));
}

TEST(Verification, MalformedPtrAnswerIsNotedNotFatal) {
  DeliveryFacts facts = worked_example_facts();
  facts.ptr.push_back({.name = std::string("evil\0.example", 13), .addresses = {ip("192.0.2.1")}});
  const auto t = run(TlsSetting::kRequiredVerify, worked_example_cert(), facts);
  EXPECT_TRUE(t.verified);
  EXPECT_FALSE(t.ref_ids.back().trusted);
}

}  // namespace
}  // namespace sealpost::policy
