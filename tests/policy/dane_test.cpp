// DANE policy (DANE-MTA-STS.md §0–§1): every setting × DANE state × stage from
// tests/data/dane_decisions.tsv; the DANE state from the DNS facts; the DANE-TA name check.
#include <gtest/gtest.h>

#include "policy/dane.h"
#include "policy/stage_decision.h"
#include "tests/support/tsv.h"

namespace sealpost::policy {
namespace {

struct Row {
  std::string name, setting, state, stage, more, action, status, fallback;
};

std::vector<Row> load() {
  std::vector<Row> rows;
  for (auto& r : test::read_tsv(test::data_path("dane_decisions.tsv"), 8))
    rows.push_back({r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]});
  return rows;
}

Stage parse_stage(const std::string& s) {
  for (Stage st : {Stage::kStarttlsOffer, Stage::kStarttlsReply, Stage::kStarttlsInjection, Stage::kHandshake, Stage::kChain,
                   Stage::kIdentity, Stage::kTlsaLookup, Stage::kDane}) {
    if (to_string(st) == s) return st;
  }
  throw std::runtime_error("unknown stage " + s);
}

// One test for the 480 rows: a process per row would cost more than the checks.
TEST(DaneTable, EveryRow) {
  const auto rows = load();
  ASSERT_EQ(rows.size(), 480u);
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    const auto setting = parse_tls_setting(r.setting);
    const auto state = parse_dane_state(r.state);
    ASSERT_TRUE(setting && state);
    const Decision d = decide(*setting, *state,
                              {.stage = parse_stage(r.stage),
                               .host = "mx1.example.com",
                               .ip = "192.0.2.1",
                               .detail = "detail",
                               .more_hosts = r.more == "yes",
                               .port = 25});
    EXPECT_EQ(to_string(d.action), r.action);
    EXPECT_EQ(d.status.empty() ? "-" : d.status, r.status);
    EXPECT_EQ(d.fallback_plaintext ? "yes" : "no", r.fallback);
    EXPECT_FALSE(d.reason.empty());
    if (*state != DaneState::kNone && *setting != TlsSetting::kNo) {
      // Where DANE made TLS mandatory, nothing ever goes on in clear (§0).
      EXPECT_NE(d.action, Action::kContinueInClear) << d.reason;
      EXPECT_NE(d.action, Action::kRetryInClear) << d.reason;
    }
  }
}

TEST(DaneDecision, ReasonsNameHostAndPort) {
  const StageFailure f{.stage = Stage::kTlsaLookup,
                       .host = "mx1.example.com",
                       .ip = "192.0.2.1",
                       .detail = "SERVFAIL from the DNS server for TLSA _25._tcp.mx1.example.com",
                       .more_hosts = false,
                       .port = 25};
  const Decision d = decide(TlsSetting::kPreferred, DaneState::kTempfail, f);
  EXPECT_EQ(d.status + " " + d.reason,
            "4.7.5 TLSA lookup error for mx1.example.com[192.0.2.1]:25: SERVFAIL from the DNS server for TLSA "
            "_25._tcp.mx1.example.com");
}

DaneFacts secure_found(std::size_t usable) {
  return {.setting = TlsSetting::kPreferred,
          .mode = DaneMode::kOpportunistic,
          .insecure_mx = DaneInsecureMx::kDane,
          .dnssec_trusted = true,
          .mx_secure = true,
          .tlsa = TlsaAnswer::kSecureFound,
          .usable_records = usable,
          .detail = {}};
}

TEST(DaneState, FromTheFacts) {
  EXPECT_EQ(dane_state(secure_found(1)).state, DaneState::kUsable);
  EXPECT_FALSE(dane_state(secure_found(1)).half);
  // RFC 7672 §3.1.3: records, none usable: encrypt without authentication.
  EXPECT_EQ(dane_state(secure_found(0)).state, DaneState::kUnusable);
  auto f = secure_found(1);
  f.tlsa = TlsaAnswer::kFailed;
  EXPECT_EQ(dane_state(f).state, DaneState::kTempfail);
  for (auto answer : {TlsaAnswer::kInsecure, TlsaAnswer::kSecureEmpty, TlsaAnswer::kNotLooked}) {
    f.tlsa = answer;
    EXPECT_EQ(dane_state(f).state, DaneState::kNone) << to_string(answer);
    f.mode = DaneMode::kMandatory;
    EXPECT_EQ(dane_state(f).state, DaneState::kRequired) << to_string(answer);
    f.mode = DaneMode::kOpportunistic;
  }
}

TEST(DaneState, InsecureMxIsHalfDaneOrSkipped) {
  auto f = secure_found(1);
  f.mx_secure = false;
  EXPECT_EQ(dane_state(f).state, DaneState::kUsable);
  EXPECT_TRUE(dane_state(f).half);
  f.insecure_mx = DaneInsecureMx::kSkip;
  EXPECT_EQ(dane_state(f).state, DaneState::kNone);
  f.mode = DaneMode::kMandatory;
  EXPECT_EQ(dane_state(f).state, DaneState::kRequired);
}

TEST(DaneState, OffByConfiguration) {
  auto f = secure_found(1);
  f.setting = TlsSetting::kNo;
  f.mode = DaneMode::kMandatory;
  EXPECT_EQ(dane_state(f).state, DaneState::kNone) << "tls = no switches DANE off";
  f = secure_found(1);
  f.mode = DaneMode::kOff;
  EXPECT_EQ(dane_state(f).state, DaneState::kNone);
  // Rule 1: without a trusted validating resolver, opportunistic DANE is inert and
  // mandatory DANE refuses the host.
  f = secure_found(1);
  f.dnssec_trusted = false;
  EXPECT_EQ(dane_state(f).state, DaneState::kNone);
  f.mode = DaneMode::kMandatory;
  const auto v = dane_state(f);
  EXPECT_EQ(v.state, DaneState::kRequired);
  EXPECT_NE(v.reason.find("[dns] dnssec is off"), std::string::npos) << v.reason;
}

TEST(DaneWords, ParseExactly) {
  EXPECT_EQ(parse_dane_mode("mandatory"), DaneMode::kMandatory);
  EXPECT_FALSE(parse_dane_mode("Mandatory"));
  EXPECT_FALSE(parse_dane_mode("yes"));
  EXPECT_EQ(parse_dane_insecure_mx("skip"), DaneInsecureMx::kSkip);
  EXPECT_FALSE(parse_dane_insecure_mx(""));
  EXPECT_EQ(parse_dane_state("dane-required"), DaneState::kRequired);
  EXPECT_EQ(parse_tlsa_answer("secure-empty"), TlsaAnswer::kSecureEmpty);
}

std::vector<PresentedId> names(std::vector<std::string> dns, std::string cn = {}) {
  return presented_ids({.dns_names = std::move(dns),
                        .common_names = cn.empty() ? std::vector<std::string>{} : std::vector<std::string>{cn},
                        .ip_addresses = {}});
}

TEST(DaneNames, RulesInOrder) {
  const DaneNames n{.tlsa_base = "mx.hosting.example", .mx_host = "mx.customer.example", .recipient_domain = "customer.example"};
  EXPECT_EQ(match_dane_names(names({"mx.hosting.example"}), n).rule, "dane-ta:tlsa-base");
  EXPECT_EQ(match_dane_names(names({"mx.customer.example"}), n).rule, "dane-ta:mx-host");
  EXPECT_EQ(match_dane_names(names({"customer.example"}), n).rule, "dane-ta:recipient-domain");
  EXPECT_EQ(match_dane_names(names({"*.hosting.example"}), n).rule, "dane-ta:tlsa-base");
  EXPECT_FALSE(match_dane_names(names({"other.example"}), n).matched);
  // RFC 7672 §3.2.3: `*` only as a whole left-most label; CN only without a DNS-ID.
  EXPECT_FALSE(match_dane_names(names({"m*.hosting.example"}), n).matched);
  EXPECT_FALSE(match_dane_names(names({"other.example"}, "mx.hosting.example"), n).matched);
  EXPECT_EQ(match_dane_names(names({}, "mx.hosting.example"), n).rule, "dane-ta:tlsa-base");
}

}  // namespace
}  // namespace sealpost::policy
