// DANE TLSA matching (tls/tlsa_match.h; RFC 7672 §3.1–3.2, RFC 7671 §5, §9) on the test PKI,
// with the records computed by openssl (tests/pki/make-test-pki.sh, tlsa/): which records
// are usable, DANE-EE on the leaf alone without date checks, DANE-TA with the path checked up
// to an anchor in the presented chain or in a "2 0 0" record.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/test_pki.h"
#include "tls/tlsa_match.h"

namespace sealpost::tls {
namespace {

using test::kValidationTime;
using test::pki_certs;

std::vector<std::uint8_t> unhex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// tlsa/NAME-U-S-M as openssl wrote it.
TlsaRecord record(const std::string& name) {
  std::ifstream in(test::pki_file("tlsa/" + name));
  int u = 0, s = 0, m = 0;
  std::string hex;
  in >> u >> s >> m >> hex;
  if (!in) throw std::runtime_error("no TLSA record " + name);
  return {.usage = static_cast<std::uint8_t>(u),
          .selector = static_cast<std::uint8_t>(s),
          .matching_type = static_cast<std::uint8_t>(m),
          .data = unhex(hex)};
}

TlsaMatch match(const std::vector<std::string>& records, const std::string& chain,
                std::chrono::system_clock::time_point at = kValidationTime) {
  std::vector<TlsaRecord> rs;
  for (const auto& r : records) rs.push_back(record(r));
  return match_tlsa(usable_records(rs), pki_certs(chain), at);
}

TEST(Tlsa, UsableRecordsOnly_Rfc7672Section3_1_3) {
  const std::vector<std::uint8_t> d32(32, 1), d64(64, 2);
  EXPECT_TRUE(unusable({.usage = 0, .selector = 1, .matching_type = 1, .data = d32}));  // PKIX-TA
  EXPECT_TRUE(unusable({.usage = 1, .selector = 1, .matching_type = 1, .data = d32}));  // PKIX-EE
  EXPECT_TRUE(unusable({.usage = 4, .selector = 1, .matching_type = 1, .data = d32}));
  EXPECT_TRUE(unusable({.usage = 3, .selector = 2, .matching_type = 1, .data = d32}));
  EXPECT_TRUE(unusable({.usage = 3, .selector = 1, .matching_type = 3, .data = d32}));
  EXPECT_TRUE(unusable({.usage = 3, .selector = 1, .matching_type = 1, .data = d64}));  // wrong length
  EXPECT_TRUE(unusable({.usage = 3, .selector = 1, .matching_type = 0, .data = {}}));
  EXPECT_FALSE(unusable({.usage = 3, .selector = 1, .matching_type = 2, .data = d64}));
  EXPECT_FALSE(unusable({.usage = 2, .selector = 0, .matching_type = 1, .data = d32}));
}

TEST(Tlsa, OnlyTheStrongestDigestPerUsageAndSelector_Rfc7671Section9) {
  const std::vector<std::uint8_t> d32(32, 1), d64(64, 2);
  const TlsaRecord ee_sha256{.usage = 3, .selector = 1, .matching_type = 1, .data = d32};
  const TlsaRecord ee_sha512{.usage = 3, .selector = 1, .matching_type = 2, .data = d64};
  const TlsaRecord ee_cert_sha256{.usage = 3, .selector = 0, .matching_type = 1, .data = d32};
  const TlsaRecord ta_sha256{.usage = 2, .selector = 1, .matching_type = 1, .data = d32};
  const TlsaRecord pkix{.usage = 1, .selector = 1, .matching_type = 2, .data = d64};
  EXPECT_EQ(usable_records({ee_sha256, ee_sha512, ee_cert_sha256, ta_sha256, pkix, ee_sha512}),
            (std::vector<TlsaRecord>{ee_sha512, ee_cert_sha256, ta_sha256}));
  // A stale SHA-256 record beside a SHA-512 one that does not match is not a way in.
  auto m = match_tlsa(usable_records({record("mx1-3-1-1"), ee_sha512}), pki_certs("mx1-chain.pem"), kValidationTime);
  EXPECT_FALSE(m.matched) << m.reason;
}

TEST(Tlsa, DaneEeMatchesTheLeafWithEverySelectorAndMatchingType_Rfc7672Section3_1_1) {
  for (const char* r : {"mx1-3-1-0", "mx1-3-1-1", "mx1-3-1-2", "mx1-3-0-1"}) {
    const auto m = match({r}, "mx1-chain.pem");
    EXPECT_TRUE(m.matched) << r << ": " << m.reason;
    EXPECT_EQ(m.depth, 0) << r;
    ASSERT_TRUE(m.record);
    EXPECT_EQ(*m.record, record(r));
  }
  EXPECT_EQ(match({"mx1-3-1-1"}, "mx1-chain.pem").reason,
            "matched DANE-EE record " + to_string(record("mx1-3-1-1")) + " at depth 0");
}

TEST(Tlsa, DaneEeChecksNoDates) {
  const auto m = match({"mail-expired-3-1-1"}, "mail-expired-chain.pem");
  EXPECT_TRUE(m.matched) << m.reason;  // RFC 7671 §5.1: the EE certificate's validity is not checked
}

TEST(Tlsa, DaneEeIsTheLeafOnlyAndAnotherKeyDoesNotMatch) {
  EXPECT_FALSE(match({"intermediate-3-0-1"}, "mx1-chain.pem").matched);  // an EE record of the issuer
  const auto m = match({"mx1-3-1-1"}, "hosted-chain.pem");
  EXPECT_FALSE(m.matched);
  EXPECT_NE(m.reason.find("no TLSA record matches"), std::string::npos) << m.reason;
}

TEST(Tlsa, DaneTaInThePresentedChainWithThePathChecked_Rfc7672Section3_1_2) {
  for (const char* r : {"intermediate-2-1-1", "intermediate-2-0-2"}) {
    const auto m = match({r}, "mx1-chain.pem");
    EXPECT_TRUE(m.matched) << r << ": " << m.reason;
    EXPECT_EQ(m.depth, 1) << r;
  }
  // The same anchor, but the leaf under it has expired: the path fails.
  const auto expired = match({"intermediate-2-1-1"}, "mail-expired-chain.pem");
  EXPECT_FALSE(expired.matched);
  EXPECT_NE(expired.reason.find("matched at depth 1, but the path to it fails"), std::string::npos) << expired.reason;
  // An anchor the server did not send, given by digest only, cannot be used.
  EXPECT_FALSE(match({"root-2-0-1"}, "mx1-chain.pem").matched);
  // A chain under another CA.
  EXPECT_FALSE(match({"other-intermediate-2-1-1"}, "mx1-chain.pem").matched);
}

TEST(Tlsa, DaneTaWithTheWholeAnchorInTheRecord_Rfc7671Section5_2_2) {
  const auto m = match({"root-2-0-0"}, "mx1-chain.pem");  // leaf + intermediate; the root is not sent
  EXPECT_TRUE(m.matched) << m.reason;
  EXPECT_EQ(m.depth, 2);
}

TEST(Tlsa, NoChainNoMatch) { EXPECT_FALSE(match_tlsa(usable_records({record("mx1-3-1-1")}), {}, kValidationTime).matched); }

}  // namespace
}  // namespace sealpost::tls

namespace sealpost::tls {
namespace {

TEST(TlsaText, ParsesThePresentationFormAndSaysWhatIsWrong) {
  auto r = parse_tlsa_record(" 3 1 1  ab CD\tef ");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->usage, 3);
  EXPECT_EQ(r->matching_type, 1);
  EXPECT_EQ(r->data, (std::vector<std::uint8_t>{0xab, 0xcd, 0xef}));
  EXPECT_EQ(to_string(*r), "3 1 1 ABCDEF");
  EXPECT_EQ(to_string(*parse_tlsa_record(to_string(*r))), to_string(*r));
  for (const char* bad : {"", "3 1", "3 1 1", "256 1 1 ab", "3 1 1x ab", "3 1 1 abc", "3 1 1 xy", "-3 1 1 ab"}) {
    EXPECT_FALSE(parse_tlsa_record(bad)) << bad;
  }
}

}  // namespace
}  // namespace sealpost::tls
