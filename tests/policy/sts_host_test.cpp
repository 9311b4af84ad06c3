// MTA-STS on one host (policy/sts_host.h) and its decisions (policy/stage_decision.h with
// sts_enforce): the switch, the mx pattern check, the DNS-ID check against the MX host, and
// for every setting what an enforced policy makes of each stage (DANE-MTA-STS.md §0, §2).
#include <gtest/gtest.h>

#include "policy/stage_decision.h"
#include "policy/sts_host.h"
#include "policy/verification.h"

namespace sealpost::policy {
namespace {

StsInForce enforce_policy(std::vector<std::string> mx) {
  return {.domain = "example.com",
          .id = "20261201",
          .policy = {.mode = StsMode::kEnforce, .max_age = 86400, .mx = std::move(mx), .lines = {"version: STSv1"}},
          .fetched_at = 1000,
          .enforce = true,
          .origin = "cache",
          .fetch_note = {},
          .fetch_failure = {}};
}

std::vector<PresentedId> names(std::vector<std::string> dns, std::vector<std::string> cns = {}) {
  return presented_ids({.dns_names = std::move(dns), .common_names = std::move(cns), .ip_addresses = {}});
}

TEST(StsSwitch, EnforceAlwaysTestingOnlyUnderEnforceTestingNoneNever) {
  for (const auto s : {StsSetting::kOn, StsSetting::kEnforceTesting}) EXPECT_TRUE(sts_enforced(StsMode::kEnforce, s));
  EXPECT_FALSE(sts_enforced(StsMode::kEnforce, StsSetting::kOff));
  EXPECT_FALSE(sts_enforced(StsMode::kTesting, StsSetting::kOn));
  EXPECT_TRUE(sts_enforced(StsMode::kTesting, StsSetting::kEnforceTesting));
  for (const auto s : {StsSetting::kOff, StsSetting::kOn, StsSetting::kEnforceTesting}) {
    EXPECT_FALSE(sts_enforced(StsMode::kNone, s));
    EXPECT_EQ(parse_sts_setting(to_string(s)), s);
  }
  EXPECT_FALSE(parse_sts_setting("enforce"));
  for (const auto r :
       {StsResult::kNotEvaluated, StsResult::kVerified, StsResult::kMxMismatch, StsResult::kStarttls, StsResult::kCertificate}) {
    EXPECT_EQ(parse_sts_result(to_string(r)), r);
  }
}

TEST(StsTraceStart, ThePatternThatCoversTheHostIsRecorded) {
  const auto t = start_sts_trace(enforce_policy({"mx1.example.net", "*.example.org"}), "Mail.Example.ORG.", 1600);
  EXPECT_TRUE(t.mx_matched);
  EXPECT_EQ(t.matched_pattern, "*.example.org");
  EXPECT_EQ(t.result, StsResult::kNotEvaluated);  // the certificate check is still to come
  EXPECT_EQ(t.cache_age, 600);
  EXPECT_TRUE(t.enforced);
}

TEST(StsTraceStart, AHostOutsideThePatternsIsAMismatchWithItsReason) {
  for (const std::string host : {"a.b.example.org", "example.org", "mx2.example.net", "192.0.2.1"}) {
    const auto t = start_sts_trace(enforce_policy({"mx1.example.net", "*.example.org"}), host, 1000);
    EXPECT_FALSE(t.mx_matched) << host;
    EXPECT_EQ(t.result, StsResult::kMxMismatch) << host;
    EXPECT_EQ(t.reason, "the MTA-STS policy of example.com (id 20261201) lists no mx pattern for " + host);
  }
}

TEST(StsTraceStart, AFailedFetchWithoutPolicyChecksNothing) {
  StsInForce f{.domain = "example.com",
               .id = "1",
               .policy = {},
               .fetched_at = 0,
               .enforce = false,
               .origin = "none",
               .fetch_note = "sts-policy-fetch-error: HTTP 404",
               .fetch_failure = "sts-policy-fetch-error"};
  const auto t = start_sts_trace(f, "mx.example.com", 1000);
  EXPECT_FALSE(t.enforced);
  EXPECT_EQ(t.result, StsResult::kNotEvaluated);
  EXPECT_EQ(t.fetch_failure, "sts-policy-fetch-error");
  EXPECT_EQ(t.reason, "no MTA-STS policy applies: sts-policy-fetch-error: HTTP 404");
}

TEST(StsCertificate, ADnsIdNamingTheMxHostIsNeededNeverTheCn) {
  EXPECT_EQ(sts_name_problem(names({"mx.example.net"}), "MX.example.net."), "");
  EXPECT_EQ(sts_name_problem(names({"*.example.net"}), "mx.example.net"), "");
  EXPECT_EQ(sts_name_problem(names({"*.example.net"}), "a.mx.example.net"),
            "the certificate names *.example.net, not a.mx.example.net");
  EXPECT_EQ(sts_name_problem(names({}, {"mx.example.net"}), "mx.example.net"),
            "the certificate names no DNS-ID, not mx.example.net");
  EXPECT_EQ(sts_name_problem(names({"a.example", "b.example"}), "mx.example.net"),
            "the certificate names a.example, b.example, not mx.example.net");
}

TEST(StsCertificate, TheChainFirstThenTheName) {
  auto t = start_sts_trace(enforce_policy({"mx.example.net"}), "mx.example.net", 1000);
  EXPECT_FALSE(
      record_sts_certificate(t, {.ok = false, .error = "certificate has expired"}, names({"mx.example.net"}), "mx.example.net"));
  EXPECT_EQ(t.result, StsResult::kCertificate);
  EXPECT_EQ(t.reason, "certificate chain not trusted: certificate has expired");
  EXPECT_TRUE(record_sts_certificate(t, {.ok = true}, names({"mx.example.net"}), "mx.example.net"));
  EXPECT_EQ(t.result, StsResult::kVerified);
  EXPECT_EQ(t.reason, "");
}

constexpr TlsSetting kTlsSettings[] = {TlsSetting::kPreferred, TlsSetting::kRequired, TlsSetting::kPreferredVerify,
                                       TlsSetting::kRequiredVerify, TlsSetting::kRequiredVerifyHosted};

StageFailure at(Stage stage, bool more) {
  return {.stage = stage, .host = "mx.example.net", .ip = "192.0.2.1", .detail = "why", .more_hosts = more, .port = 25};
}

TEST(StsDecision, AnEnforcedPolicyFailsTheHostAtItsOwnStagesWhateverTheSetting) {
  for (const auto s : kTlsSettings) {
    for (const bool more : {true, false}) {
      for (const Stage stage : {Stage::kStsMx, Stage::kSts}) {
        const auto d = decide(s, DaneState::kNone, /*sts_enforce=*/true, at(stage, more));
        EXPECT_EQ(d.action, more ? Action::kNextHost : Action::kDefer) << to_string(s) << " " << to_string(stage);
        EXPECT_EQ(d.status, "4.7.5");
        // The same through the overloads that know nothing of STS: fail closed.
        EXPECT_EQ(decide(s, at(stage, more)).action, d.action);
        EXPECT_EQ(decide(s, DaneState::kNone, at(stage, more)).action, d.action);
      }
    }
  }
  EXPECT_EQ(decide(TlsSetting::kPreferred, DaneState::kNone, true, at(Stage::kStsMx, false)).reason,
            "MTA-STS policy does not allow mx.example.net[192.0.2.1]: why");
}

TEST(StsDecision, AnEnforcedPolicyMakesTlsMandatoryWithoutAClearRetry) {
  for (const auto s : kTlsSettings) {
    for (const bool more : {true, false}) {
      for (const Stage stage : {Stage::kStarttlsOffer, Stage::kStarttlsReply, Stage::kHandshake, Stage::kStarttlsInjection}) {
        const auto d = decide(s, DaneState::kNone, true, at(stage, more));
        EXPECT_EQ(d.action, more ? Action::kNextHost : Action::kDefer) << to_string(s) << " " << to_string(stage);
        EXPECT_FALSE(d.fallback_plaintext);
        EXPECT_EQ(d.status[0], '4');
      }
    }
  }
  EXPECT_EQ(decide(TlsSetting::kPreferred, DaneState::kNone, true, at(Stage::kStarttlsOffer, false)).reason,
            "TLS is required, but was not offered by mx.example.net[192.0.2.1] (MTA-STS: enforce)");
}

TEST(StsDecision, TheSettingsOwnChainAndIdentityRulesStay) {
  for (const auto s : kTlsSettings) {
    for (const Stage stage : {Stage::kChain, Stage::kIdentity}) {
      const auto with = decide(s, DaneState::kNone, true, at(stage, true));
      const auto without = decide(s, DaneState::kNone, at(stage, true));
      EXPECT_EQ(with.action, without.action) << to_string(s) << " " << to_string(stage);
      EXPECT_EQ(with.reason, without.reason);
    }
  }
}

TEST(StsDecision, ATestingPolicyOnlyNotesWhatWouldHaveFailed) {
  for (const auto s : kTlsSettings) {
    for (const Stage stage : {Stage::kStsMx, Stage::kSts}) {
      const auto d = decide(s, DaneState::kNone, /*sts_enforce=*/false, at(stage, false));
      EXPECT_EQ(d.action, Action::kContinue);
      EXPECT_EQ(d.reason, "MTA-STS testing, not enforced, for mx.example.net[192.0.2.1]: why");
    }
    // Without enforcement the other stages are the setting's (a preferred handshake failure retries in clear).
    EXPECT_EQ(decide(s, DaneState::kNone, false, at(Stage::kHandshake, true)).action,
              decide(s, DaneState::kNone, at(Stage::kHandshake, true)).action);
  }
  EXPECT_EQ(decide(TlsSetting::kNo, DaneState::kNone, true, at(Stage::kStsMx, false)).action, Action::kContinueInClear);
}

TEST(StsDecision, TlsIsMandatoryUnderTheSettingDaneWithRecordsOrAnEnforcedPolicy) {
  EXPECT_FALSE(tls_mandatory(TlsSetting::kPreferred, DaneState::kNone, false));
  EXPECT_FALSE(tls_mandatory(TlsSetting::kPreferredVerify, DaneState::kNone, false));
  EXPECT_TRUE(tls_mandatory(TlsSetting::kPreferred, DaneState::kNone, true));
  EXPECT_TRUE(tls_mandatory(TlsSetting::kPreferred, DaneState::kUsable, false));
  EXPECT_TRUE(tls_mandatory(TlsSetting::kPreferred, DaneState::kUnusable, false));
  EXPECT_TRUE(tls_mandatory(TlsSetting::kRequired, DaneState::kNone, false));
  EXPECT_FALSE(tls_mandatory(TlsSetting::kNo, DaneState::kUsable, true)) << "tls = no switches both overlays off";
}

TEST(StsDecision, ADaneStateStillDecidesItsOwnStage) {
  const auto d = decide(TlsSetting::kPreferred, DaneState::kTempfail, true, at(Stage::kTlsaLookup, true));
  EXPECT_EQ(d.action, Action::kNextHost);
  EXPECT_EQ(d.status, "4.7.5");
}

}  // namespace
}  // namespace sealpost::policy
