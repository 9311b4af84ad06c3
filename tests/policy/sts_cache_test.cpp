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

TEST(StsCacheFile, RoundTripAndDamage) {
  const StsCacheEntry e{.id = "20261201T1",
                        .policy = "version: STSv1\r\nmode: enforce\r\nmx: *.example.net\r\nmax_age: 86400\r\n\r\n",
                        .fetched_at = 1'800'000'000,
                        .max_age = 86400,
                        .failed_id = "next2",
                        .failed_at = 1'800'000'300};
  const auto back = parse_sts_cache_entry(serialize_sts_cache_entry(e));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->policy, e.policy) << "the policy text is kept byte for byte, blank lines and CRLF included";
  EXPECT_EQ(back->fetched_at, e.fetched_at);
  EXPECT_EQ(back->max_age, e.max_age);
  EXPECT_EQ(back->failed_id, e.failed_id);
  EXPECT_EQ(back->failed_at, e.failed_at);
  for (const char* bad : {"", "garbage\n", "sealpost-mta-sts 1\nid: a\n",                        // no blank line
                          "sealpost-mta-sts 1\nid: a\nmax_age: 1\n\n",                           // no fetched
                          "sealpost-mta-sts 1\nid: a\nfetched: x\nmax_age: 1\n\n",               // not a number
                          "sealpost-mta-sts 1\nid: a\nfetched: 1\nmax_age: 99999999999\n\n",     // over a year
                          "sealpost-mta-sts 1\nid: a\nfetched: 1\nmax_age: 1\nother: 1\n\n"}) {  // unknown key
    EXPECT_FALSE(parse_sts_cache_entry(bad)) << bad;
  }
}

TEST(StsCacheAfterFetch, ANewPolicyReplacesTheEntryAFailureIsRememberedBesideTheOld) {
  const StsCacheEntry old{.id = "a", .policy = "old", .fetched_at = 100, .max_age = 1000, .failed_id = "x", .failed_at = 50};
  const auto fresh = after_sts_fetch(old, "b", StsFetched{.policy = "new", .max_age = 86400}, 500);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->id, "b");
  EXPECT_EQ(fresh->policy, "new");
  EXPECT_EQ(fresh->fetched_at, 500);
  EXPECT_EQ(fresh->max_age, 86400u);
  EXPECT_EQ(fresh->failed_id, "");
  const auto failed = after_sts_fetch(old, "b", std::nullopt, 500);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->id, "a") << "RFC 8461 §5.1: the old policy stays until it expires";
  EXPECT_EQ(failed->policy, "old");
  EXPECT_EQ(failed->fetched_at, 100) << "a failed fetch never extends the old policy";
  EXPECT_EQ(failed->failed_id, "b");
  EXPECT_EQ(failed->failed_at, 500);
  EXPECT_FALSE(after_sts_fetch(std::nullopt, "b", std::nullopt, 500)) << "nothing to keep";
}

TEST(StsCacheRefresh, DailyOrAtHalfTheMaxAgeWithJitterNotRightAfterAFailure) {
  const StsCacheEntry day{.id = "a", .policy = "p", .fetched_at = 0, .max_age = 604800, .failed_id = {}, .failed_at = 0};
  EXPECT_FALSE(sts_refresh_due(day, 86399, 0));
  EXPECT_TRUE(sts_refresh_due(day, 86400, 0));
  EXPECT_FALSE(sts_refresh_due(day, 86400, 600)) << "the jitter delays it";
  EXPECT_TRUE(sts_refresh_due(day, 87000, 600));
  const StsCacheEntry hour{.id = "a", .policy = "p", .fetched_at = 0, .max_age = 3600, .failed_id = {}, .failed_at = 0};
  EXPECT_TRUE(sts_refresh_due(hour, 1800, 0)) << "half of a short max_age";
  EXPECT_FALSE(sts_refresh_due(hour, 1799, 0));
  EXPECT_FALSE(sts_refresh_due(hour, 2159, 3000)) << "the jitter bounded by a tenth of max_age";
  EXPECT_TRUE(sts_refresh_due(hour, 2160, 3000));
  StsCacheEntry failed = day;
  failed.failed_id = "b";
  failed.failed_at = 90000;
  EXPECT_FALSE(sts_refresh_due(failed, 90000 + kStsRetryAfterFailure - 1, 0));
  EXPECT_TRUE(sts_refresh_due(failed, 90000 + kStsRetryAfterFailure, 0));
}

}  // namespace
}  // namespace sealpost::policy
