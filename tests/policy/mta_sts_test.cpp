// MTA-STS as data (policy/mta_sts.h): the policy files of tests/data/mta_sts_policies.tsv, the
// TXT records of mta_sts_txt.tsv and the MX matches of mta_sts_mx.tsv (RFC 8461 §3.1, §3.2,
// §4.1), one test per table.
#include <gtest/gtest.h>

#include "policy/mta_sts.h"
#include "tests/support/tsv.h"

namespace sealpost::policy {
namespace {

std::string described(const StsPolicy& p) {
  std::string mx;
  for (const auto& m : p.mx) mx += (mx.empty() ? "" : ",") + m;
  return "mode=" + std::string(to_string(p.mode)) + " max_age=" + std::to_string(p.max_age) + " mx=" + mx;
}

void expect_error(const std::string& got, const std::string& want) {
  ASSERT_TRUE(want.starts_with("error:")) << "unexpected error: " << got;
  EXPECT_NE(got.find(want.substr(6)), std::string::npos) << got;
}

TEST(StsPolicy, EveryRowOfTheTable) {
  const auto rows = test::read_tsv(test::data_path("mta_sts_policies.tsv"), 3);
  ASSERT_GE(rows.size(), 30u);
  for (const auto& r : rows) {
    SCOPED_TRACE(r[0]);
    const auto p = parse_sts_policy(test::unescape(r[1]));
    if (!p) {
      expect_error(p.error().message, r[2]);
      continue;
    }
    EXPECT_EQ(described(*p), r[2]);
    EXPECT_FALSE(p->lines.empty());
  }
}

TEST(StsPolicy, SizeBoundAndTheLinesKeptForTheReport) {
  std::string big = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n";
  big += "x: " + std::string(kMaxStsPolicyOctets, 'a') + "\n";
  EXPECT_FALSE(parse_sts_policy(big));
  const auto p = parse_sts_policy("version: STSv1\r\nmode: enforce\r\nmx: mx.example.com  \r\nmax_age: 86400\r\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->lines, (std::vector<std::string>{"version: STSv1", "mode: enforce", "mx: mx.example.com", "max_age: 86400"}));
}

TEST(StsTxt, EveryRowOfTheTable) {
  const auto rows = test::read_tsv(test::data_path("mta_sts_txt.tsv"), 3);
  ASSERT_GE(rows.size(), 15u);
  for (const auto& r : rows) {
    SCOPED_TRACE(r[0]);
    std::vector<std::string> records;
    for (std::size_t start = 0; !r[1].empty() && start <= r[1].size();) {
      const std::size_t bar = std::min(r[1].find('|', start), r[1].size());
      records.push_back(r[1].substr(start, bar - start));
      start = bar + 1;
    }
    const auto t = parse_sts_txt(records);
    if (!t) {
      expect_error(t.error().message, r[2]);
      continue;
    }
    EXPECT_EQ(*t ? "id=" + (*t)->id : "none", r[2]);
  }
}

TEST(StsMx, EveryRowOfTheTable) {
  const auto rows = test::read_tsv(test::data_path("mta_sts_mx.tsv"), 4);
  ASSERT_GE(rows.size(), 10u);
  for (const auto& r : rows) {
    SCOPED_TRACE(r[0]);
    EXPECT_EQ(sts_mx_matches(r[1], r[2]) ? "yes" : "no", r[3]);
  }
  const auto p = parse_sts_policy("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 1\n");
  ASSERT_TRUE(p);
  EXPECT_TRUE(sts_mx_allowed(*p, "mx7.example.net"));
  EXPECT_TRUE(sts_mx_allowed(*p, "mail.example.com."));
  EXPECT_FALSE(sts_mx_allowed(*p, "mail.example.org"));
}

TEST(StsMode, ParsesExactWordsOnly) {
  EXPECT_EQ(parse_sts_mode("enforce"), StsMode::kEnforce);
  EXPECT_EQ(parse_sts_mode("testing"), StsMode::kTesting);
  EXPECT_EQ(parse_sts_mode("none"), StsMode::kNone);
  EXPECT_FALSE(parse_sts_mode("Enforce"));
  EXPECT_FALSE(parse_sts_mode(""));
}

}  // namespace
}  // namespace sealpost::policy
