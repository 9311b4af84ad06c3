// MTA-STS cache decisions (policy/sts_cache.h), every row of tests/data/sts_cache_plans.tsv.
#include <gtest/gtest.h>

#include "policy/sts_cache.h"
#include "tests/support/tsv.h"

namespace sealpost::policy {
namespace {

// "ID@FETCHED+MAX_AGE[!FAILED_ID@FAILED_AT]"
std::optional<StsCacheEntry> cached(const std::string& s) {
  if (s == "-") return std::nullopt;
  StsCacheEntry e;
  const auto at = s.find('@'), plus = s.find('+'), bang = s.find('!');
  e.id = s.substr(0, at);
  e.fetched_at = std::stoll(s.substr(at + 1, plus - at - 1));
  e.max_age = static_cast<std::uint32_t>(std::stoul(s.substr(plus + 1, bang - plus - 1)));
  if (bang != std::string::npos) {
    const auto at2 = s.find('@', bang);
    e.failed_id = s.substr(bang + 1, at2 - bang - 1);
    e.failed_at = std::stoll(s.substr(at2 + 1));
  }
  return e;
}

TEST(StsCache, EveryRowOfTheTable) {
  const auto rows = test::read_tsv(test::data_path("sts_cache_plans.tsv"), 7);
  ASSERT_GE(rows.size(), 15u);
  for (const auto& r : rows) {
    SCOPED_TRACE(r[0]);
    StsTxtAnswer txt = StsTxtAnswer::kNone;
    std::string id;
    if (r[2].starts_with("found:")) txt = StsTxtAnswer::kFound, id = r[2].substr(6);
    if (r[2] == "invalid") txt = StsTxtAnswer::kInvalid;
    if (r[2] == "dns-error") txt = StsTxtAnswer::kDnsError;
    const StsPlan p = plan_sts(cached(r[1]), txt, id, std::stoll(r[3]));
    EXPECT_EQ(to_string(p.action), r[4]) << p.reason;
    EXPECT_EQ(to_string(p.fallback), r[5]) << p.reason;
    EXPECT_EQ(p.refresh_soon ? "yes" : "no", r[6]) << p.reason;
    EXPECT_FALSE(p.reason.empty());
  }
}

}  // namespace
}  // namespace sealpost::policy
