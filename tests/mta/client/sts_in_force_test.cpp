// Which MTA-STS policy a discovery puts in force (mta/client/sts_discovery.h sts_in_force):
// the switch, the mode (none is no policy), the cache's origin and the failure it survived,
// and the record of a policy that was announced but could not be fetched.
#include <gtest/gtest.h>

#include "mta/client/sts_discovery.h"

namespace sealpost::mta {
namespace {

StsDiscovery found(const std::string& policy_text, const std::string& origin) {
  StsDiscovery d{.domain = "example.com"};
  d.txt = {.answer = policy::StsTxtAnswer::kFound, .id = "7", .reason = "v=STSv1, id 7"};
  d.applies = policy::StsCacheEntry{.id = "7", .policy = policy_text, .fetched_at = 100, .max_age = 86400};
  d.origin = origin;
  return d;
}

constexpr const char* kEnforce = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n";
constexpr const char* kTesting = "version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 86400\n";

TEST(StsInForce, TheSwitchDecidesWhatIsEnforced) {
  auto f = sts_in_force(found(kEnforce, "fetch"), policy::StsSetting::kOn);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->enforce);
  EXPECT_EQ(f->id, "7");
  EXPECT_EQ(f->fetched_at, 100);
  EXPECT_EQ(f->origin, "fetch");
  EXPECT_FALSE(sts_in_force(found(kEnforce, "fetch"), policy::StsSetting::kOff));
  EXPECT_FALSE(sts_in_force(found(kTesting, "cache"), policy::StsSetting::kOn)->enforce);
  EXPECT_TRUE(sts_in_force(found(kTesting, "cache"), policy::StsSetting::kEnforceTesting)->enforce);
}

TEST(StsInForce, ModeNoneIsNoPolicy) {
  EXPECT_FALSE(sts_in_force(found("version: STSv1\nmode: none\nmax_age: 86400\n", "fetch"), policy::StsSetting::kOn));
}

TEST(StsInForce, ACachedPolicyCarriesTheFailureItSurvived) {
  auto d = found(kEnforce, "cache");
  d.failure_type = "sts-webpki-invalid";
  d.failure = "certificate chain not trusted";
  const auto f = sts_in_force(d, policy::StsSetting::kOn);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->fetch_failure, "sts-webpki-invalid");
  EXPECT_EQ(f->fetch_note, "sts-webpki-invalid: certificate chain not trusted");
}

TEST(StsInForce, AnAnnouncedPolicyThatCouldNotBeFetchedIsRecordedNotEnforced) {
  StsDiscovery d{.domain = "example.com"};
  d.txt = {.answer = policy::StsTxtAnswer::kFound, .id = "7", .reason = ""};
  d.failure_type = "sts-policy-fetch-error";
  d.failure = "HTTP 404, not 200";
  const auto f = sts_in_force(d, policy::StsSetting::kOn);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->origin, "none");
  EXPECT_FALSE(f->enforce);
  EXPECT_EQ(f->fetch_failure, "sts-policy-fetch-error");
  d.txt.answer = policy::StsTxtAnswer::kNone;
  EXPECT_FALSE(sts_in_force(d, policy::StsSetting::kOn)) << "nothing announced, nothing to record";
}

}  // namespace
}  // namespace sealpost::mta
