// TLS-POLICY.md §7, every row for every setting, from tests/data/stage_decisions.tsv.
#include <gtest/gtest.h>

#include "policy/stage_decision.h"
#include "tests/support/tsv.h"

namespace sealpost::policy {
namespace {

struct Row {
  std::string name, setting, stage, more, action, status, fallback;
};

std::vector<Row> load() {
  std::vector<Row> rows;
  for (auto& r : test::read_tsv(test::data_path("stage_decisions.tsv"), 7)) {
    rows.push_back({r[0], r[1], r[2], r[3], r[4], r[5], r[6]});
  }
  return rows;
}

Stage parse_stage(const std::string& s) {
  for (Stage st : {Stage::kStarttlsOffer, Stage::kStarttlsReply, Stage::kStarttlsInjection, Stage::kHandshake, Stage::kChain,
                   Stage::kIdentity}) {
    if (to_string(st) == s) return st;
  }
  throw std::runtime_error("unknown stage " + s);
}

class StageTable : public testing::TestWithParam<Row> {};

TEST_P(StageTable, Row) {
  const Row& r = GetParam();
  const auto setting = parse_tls_setting(r.setting);
  ASSERT_TRUE(setting);
  const Decision d = decide(*setting, {.stage = parse_stage(r.stage),
                                       .host = "mx1.example.com",
                                       .ip = "192.0.2.1",
                                       .detail = "detail",
                                       .more_hosts = r.more == "yes"});
  EXPECT_EQ(to_string(d.action), r.action);
  EXPECT_EQ(d.status.empty() ? "-" : d.status, r.status);
  EXPECT_EQ(d.fallback_plaintext ? "yes" : "no", r.fallback);
  EXPECT_FALSE(d.reason.empty());
  if (d.action == Action::kNextHost || d.action == Action::kDefer) {
    // The reason names the host, so the deferral can carry the last host's reason (§7).
    EXPECT_NE(d.reason.find("mx1.example.com[192.0.2.1]"), std::string::npos) << d.reason;
    EXPECT_EQ(d.status[0], '4') << "a TLS failure is never permanent by itself";
  }
}

INSTANTIATE_TEST_SUITE_P(Table, StageTable, testing::ValuesIn(load()),
                         [](const testing::TestParamInfo<Row>& param_info) { return test::test_name(param_info.param.name); });

TEST(StageDecision, ReasonsMatchTheSpecWording) {
  const StageFailure offer{
      .stage = Stage::kStarttlsOffer, .host = "mx1.example.com", .ip = "192.0.2.1", .detail = {}, .more_hosts = false};
  const Decision d = decide(TlsSetting::kRequired, offer);
  EXPECT_EQ(d.status + " " + d.reason, "4.7.4 TLS is required, but was not offered by mx1.example.com[192.0.2.1]");
  StageFailure identity = offer;
  identity.stage = Stage::kIdentity;
  identity.detail = "no DNS-ID matched";
  EXPECT_EQ(decide(TlsSetting::kRequiredVerify, identity).reason,
            "certificate identity did not match: mx1.example.com[192.0.2.1]: no DNS-ID matched");
}

TEST(StageDecision, ExpiryTurnsTheDeferralPermanent) {
  EXPECT_EQ(permanent_status("4.7.5"), "5.7.5");
  EXPECT_EQ(permanent_status("4.7.4"), "5.7.4");
  EXPECT_EQ(permanent_status("5.7.5"), "5.7.5");
}

TEST(TlsSetting, ParsesExactWordsOnly) {
  EXPECT_EQ(parse_tls_setting("required-verify-hosted"), TlsSetting::kRequiredVerifyHosted);
  EXPECT_FALSE(parse_tls_setting("Required"));
  EXPECT_FALSE(parse_tls_setting("yes"));
  EXPECT_FALSE(parse_tls_setting(""));
  for (auto s : {TlsSetting::kNo, TlsSetting::kPreferred, TlsSetting::kRequired, TlsSetting::kPreferredVerify,
                 TlsSetting::kRequiredVerify, TlsSetting::kRequiredVerifyHosted}) {
    EXPECT_EQ(parse_tls_setting(to_string(s)), s);
  }
}

}  // namespace
}  // namespace sealpost::policy
