// Chain validation with partial chains (TLS-POLICY.md §2): trusted root, trusted
// intermediate, pinned leaf, untrusted root, expired anchor, validation time, and the
// checks on the way (CA constraints, weak keys, EKU), on certificates made by openssl.
#include <gtest/gtest.h>

#include "tests/support/test_pki.h"
#include "tls/chain_validator.h"

namespace sealpost::tls {
namespace {

using test::kValidationTime;
using test::pki_certs;
using test::trustpoint;

policy::ChainResult validate(const std::string& chain, std::vector<Trustpoint> tps,
                             std::chrono::system_clock::time_point at = kValidationTime) {
  TrustStore store;
  for (auto& tp : tps) store.add(std::move(tp));
  return store.validate(pki_certs(chain), at);
}

TEST(ChainValidation, TrustedRoot) {
  const auto r = validate("mx1-chain.pem", {trustpoint("test-root", "root.pem")});
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.anchor, "test-root");
  EXPECT_EQ(r.anchor_subject, "O=\"Sealpost Tests\",CN=\"Sealpost Test Root CA\"");
}

TEST(ChainValidation, TrustedIntermediateIsAnAnchorOnItsOwn) {
  const auto r = validate("mx1-chain.pem", {trustpoint("corp-int", "intermediate.pem")});
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.anchor, "corp-int");
}

TEST(ChainValidation, LeafAloneWithTrustedIntermediate) {
  const auto r = validate("mx1.pem", {trustpoint("corp-int", "intermediate.pem")});
  EXPECT_TRUE(r.ok) << r.error;
}

TEST(ChainValidation, PinnedLeaf) {
  const auto r = validate("mx1-chain.pem", {trustpoint("pin", "mx1.pem")});
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.anchor, "pin");
  const auto self = validate("self-signed.pem", {trustpoint("pin", "self-signed.pem")});
  EXPECT_TRUE(self.ok) << self.error;
}

TEST(ChainValidation, PinningOneLeafDoesNotTrustAnother) {
  const auto r = validate("wildcard-chain.pem", {trustpoint("pin", "mx1.pem")});
  EXPECT_FALSE(r.ok);
}

TEST(ChainValidation, UntrustedRoot) {
  const auto r = validate("untrusted-chain.pem", {trustpoint("test-root", "root.pem")});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("issuer not found"), std::string::npos) << r.error;
  EXPECT_NE(r.error_subject.find("Untrusted Other Intermediate CA"), std::string::npos) << r.error_subject;
}

TEST(ChainValidation, SelfSignedLeafNotTrusted) {
  const auto r = validate("self-signed.pem", {trustpoint("test-root", "root.pem")});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "self-signed certificate is not trusted");
}

TEST(ChainValidation, NoAnchorsAtAll) { EXPECT_FALSE(validate("mx1-chain.pem", {}).ok); }

TEST(ChainValidation, ExpiredLeaf) {
  const auto r = validate("expired-chain.pem", {trustpoint("test-root", "root.pem")});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("certificate has expired"), std::string::npos) << r.error;
  EXPECT_NE(r.error_subject.find("mx.expired.example"), std::string::npos);
}

TEST(ChainValidation, ExpiredAnchorIsNotTrusted) {
  // The leaf is within its validity, but the intermediate anchor expired in 2020.
  const auto r = validate("under-expired-chain.pem", {trustpoint("old-int", "expired-intermediate.pem")});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("expired"), std::string::npos) << r.error;
  EXPECT_NE(r.error_subject.find("Expired Intermediate CA"), std::string::npos) << r.error_subject;
}

TEST(ChainValidation, ValidationTimeDecides) {
  using namespace std::chrono;
  const auto in_2024 = system_clock::time_point(seconds(1717200000));  // 2024-06-01
  const auto in_2036 = system_clock::time_point(seconds(2082758400));  // 2036-01-01
  const auto in_2020 = system_clock::time_point(seconds(1578787200));  // 2020-01-12
  EXPECT_FALSE(validate("mx1-chain.pem", {trustpoint("r", "root.pem")}, in_2024).ok);
  EXPECT_NE(validate("mx1-chain.pem", {trustpoint("r", "root.pem")}, in_2024).error.find("not yet valid"), std::string::npos);
  EXPECT_FALSE(validate("mx1-chain.pem", {trustpoint("r", "root.pem")}, in_2036).ok);
  // In 2020 the expired intermediate was valid: as an anchor it validates its leaf then.
  EXPECT_TRUE(validate("under-expired-chain.pem", {trustpoint("old", "expired-intermediate.pem")}, in_2020).ok);
  EXPECT_FALSE(validate("not-yet-chain.pem", {trustpoint("r", "root.pem")}).ok);
}

TEST(ChainValidation, WeakKeyRefused) {
  const auto r = validate("weak-key-chain.pem", {trustpoint("r", "root.pem")});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "key too small: RSA 1024 bits");
}

TEST(ChainValidation, ClientOnlyCertificateRefused) {
  const auto r = validate("client-only-chain.pem", {trustpoint("r", "root.pem")});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("extended key usage"), std::string::npos) << r.error;
}

TEST(ChainValidation, LeafCannotActAsIssuer) {
  // A chain where the "intermediate" is a leaf certificate (CA:FALSE): even if its name
  // matched, it may not issue. Here we trust mx1 (a leaf) and present a chain issued by the
  // real intermediate: the path must not go through mx1.
  const auto r = validate("wildcard-chain.pem", {trustpoint("pin", "mx1.pem")});
  EXPECT_FALSE(r.ok);
}

TEST(ChainValidation, OutOfOrderAndExtraCertificates) {
  auto chain = pki_certs("mx1.pem");
  for (const auto& c : pki_certs("other-root.pem")) chain.push_back(c);
  for (const auto& c : pki_certs("ca-bundle.pem")) chain.push_back(c);
  TrustStore store;
  store.add(trustpoint("r", "root.pem"));
  EXPECT_TRUE(store.validate(chain, kValidationTime).ok);
}

TEST(ChainValidation, IssuersWithTheRightNameButWrongKeyAreSkipped) {
  // Impostors carry the intermediate's subject DN; only the real one's signature verifies.
  auto chain = pki_certs("mx1.pem");
  for (const auto& c : pki_certs("impostors.pem")) chain.push_back(c);
  TrustStore store;
  store.add(trustpoint("r", "root.pem"));
  auto without_real = store.validate(chain, kValidationTime);
  EXPECT_FALSE(without_real.ok);
  EXPECT_EQ(without_real.error, "no issuer's signature verifies");
  for (const auto& c : pki_certs("intermediate.pem")) chain.push_back(c);
  EXPECT_TRUE(store.validate(chain, kValidationTime).ok);
  // Impostors as anchors do not help either.
  TrustStore impostor_anchors;
  impostor_anchors.add(trustpoint("bad", "impostors.pem"));
  EXPECT_FALSE(impostor_anchors.validate(pki_certs("mx1.pem"), kValidationTime).ok);
}

TEST(ChainValidation, BoundedOnHostileChains) {
  std::vector<Certificate> chain;
  for (int i = 0; i < 17; ++i) chain.push_back(pki_certs("mx1.pem")[0]);
  TrustStore store;
  store.add(trustpoint("r", "root.pem"));
  EXPECT_EQ(store.validate(chain, kValidationTime).error, "more than 16 certificates presented");
  EXPECT_EQ(store.validate({}, kValidationTime).error, "no certificate presented");
}

TEST(TrustStore, LoadsDirectoryByName) {
  TrustStore store;
  ASSERT_TRUE(store.load_directory(test::pki_dir() + "/no-such-dir"));
  EXPECT_TRUE(store.empty());
  EXPECT_TRUE(check_trustpoint_name("corp-ca_2.v1"));
  EXPECT_FALSE(check_trustpoint_name("../etc"));
  EXPECT_FALSE(check_trustpoint_name(".hidden"));
  EXPECT_FALSE(check_trustpoint_name(""));
}

}  // namespace
}  // namespace sealpost::tls

namespace sealpost::tls {
namespace {

TEST(ChainValidationCache, SameAnswerAndNeverStaleAcrossAnchorsOrTime) {
  TrustStore store;
  const auto chain = test::pki_certs("mx1-chain.pem");
  EXPECT_FALSE(store.validate(chain, test::kValidationTime).ok);
  EXPECT_FALSE(store.validate(chain, test::kValidationTime).ok);  // cached "no anchor"
  // A trustpoint added afterwards is seen at once: the cached "no" is gone with the old cache.
  store.add(test::trustpoint("test-root", "root.pem"));
  const auto first = store.validate(chain, test::kValidationTime);
  const auto again = store.validate(chain, test::kValidationTime + std::chrono::seconds(1));
  EXPECT_TRUE(first.ok);
  EXPECT_TRUE(again.ok);
  EXPECT_EQ(first.anchor, again.anchor);
  // Another time bucket is validated anew: in 2040 the leaf (valid to 2035) has expired.
  EXPECT_FALSE(store.validate(chain, test::kValidationTime + std::chrono::hours(24 * 365 * 14)).ok);
  // A copy keeps its anchors when the original gains more.
  TrustStore copy = store;
  store.add(test::trustpoint("other", "other-root.pem"));
  EXPECT_TRUE(copy.validate(chain, test::kValidationTime).ok);
}

}  // namespace
}  // namespace sealpost::tls

namespace sealpost::tls {
namespace {

std::vector<Certificate> chain_case(const std::string& name) { return test::pki_certs("chains/" + name + ".pem"); }

TEST(ChainValidationNameConstraints, CnBesideSansOutsideTheConstraintsNeverMatches) {
  // The root permits example.test; the leaf has SAN mx.example.test and CN bank.other.test.
  // RFC 5280 constrains the SANs, so the chain stands, but the Verify rules consult the CN
  // (TLS-POLICY.md §8): it must not let the constrained CA vouch for bank.other.test.
  TrustStore store;
  store.add({.name = "corp", .certificates = chain_case("nc-root-dns")});
  const auto chain = store.validate(chain_case("nc-cn-beside-san"), test::kValidationTime);
  ASSERT_TRUE(chain.ok) << chain.error;
  EXPECT_EQ(chain.cns_outside_constraints, std::vector<std::string>{"bank.other.test"});
  const auto names = chain_case("nc-cn-beside-san")[0].names();
  const policy::DeliveryFacts facts{
      .recipient_domain = "bank.other.test", .mx_host = "mx.bank.other.test", .connected_ip = {}, .ptr = {}, .route_hosts = {}};
  for (const auto setting : {policy::TlsSetting::kRequiredVerify, policy::TlsSetting::kRequiredVerifyHosted}) {
    auto t = policy::verify_certificate(setting, chain, names, facts);
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->verified) << t->verdict;
    bool cn_marked = false;
    for (const auto& p : t->presented) {
      cn_marked = cn_marked || (p.kind == policy::PresentedKind::kCnId && p.is_malformed() &&
                                p.malformed == "is outside the name constraints of a CA on the path");
    }
    EXPECT_TRUE(cn_marked);
  }
  // Without the constraint the same CN would have matched (the mark is what refuses it).
  auto unconstrained = chain;
  unconstrained.cns_outside_constraints.clear();
  auto t = policy::verify_certificate(policy::TlsSetting::kRequiredVerify, unconstrained, names, facts);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->verified) << t->verdict;
}

}  // namespace
}  // namespace sealpost::tls

namespace sealpost::tls {
namespace {

TEST(ChainValidationSystemBundle, OldRootEncodingsAreAcceptedOnlyFromTheSystemBundle) {
  // A root whose basicConstraints are not critical (as Go Daddy Class 2 in Debian's bundle):
  // refused as an operator's trustpoint, accepted from the system CA bundle; its role, key and
  // extensions are still checked there (a root that may not sign is refused either way).
  const auto chain = test::pki_certs("chains/role-bc-noncrit-leaf.pem");
  TrustStore operator_store;
  operator_store.add({.name = "corp", .certificates = test::pki_certs("chains/role-bc-noncrit.pem")});
  EXPECT_NE(operator_store.validate(chain, test::kValidationTime).error.find("not critical"), std::string::npos);
  TrustStore system_store;
  ASSERT_TRUE(system_store.load_system_bundle(test::pki_file("chains/role-bc-noncrit.pem")));
  const auto r = system_store.validate(chain, test::kValidationTime);
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.anchor, "system");
  TrustStore system_not_ca;
  ASSERT_TRUE(system_not_ca.load_system_bundle(test::pki_file("chains/role-ku-nosign.pem")));
  EXPECT_NE(
      system_not_ca.validate(test::pki_certs("chains/role-ku-nosign-leaf.pem"), test::kValidationTime).error.find("not a CA"),
      std::string::npos);
}

}  // namespace
}  // namespace sealpost::tls
