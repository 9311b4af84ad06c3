// MTA-STS in the outcome record and the report (DANE-MTA-STS.md §2 rule 10, §3 rules 3–4): the
// mta_sts object written and read back, the log's tls= summary, and the RFC 8460 sts policy
// (policy-domain, policy-string, mx-host) with the STS result types and reason codes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mta/report/outcome_reader.h"
#include "mta/report/report_stats.h"
#include "mta/report/report_tlsrpt.h"
#include "mta/report/tls_outcome.h"

namespace sealpost::mta {
namespace {

using nlohmann::json;
using policy::StsResult;

TlsOutcome with_sts(StsResult result, bool tls, bool enforced = true) {
  TlsOutcome r;
  r.time = "2026-12-01T10:00:00Z";
  r.recipient_domain = "example.com";
  r.setting = policy::TlsSetting::kPreferred;
  r.via = "mx";
  r.host = "mx1.example.net";
  r.ip = "192.0.2.1";
  r.port = 25;
  r.stage = tls ? OutcomeStage::kQuit : OutcomeStage::kStsMx;
  r.starttls = tls ? StartTls::kOk : StartTls::kNotAttempted;
  r.result = tls ? OutcomeResult::kSent : OutcomeResult::kDeferred;
  if (tls) {
    r.tls_version = "TLS v1.3";
    r.trace = policy::VerificationTrace{.setting = r.setting, .verified = false};
    r.trace->chain.ok = true;
  }
  r.mta_sts = policy::StsTrace{.policy_domain = "example.com",
                               .id = "20261201T1",
                               .mode = enforced ? policy::StsMode::kEnforce : policy::StsMode::kTesting,
                               .mx = {"*.example.net"},
                               .lines = {"version: STSv1", "mode: enforce", "mx: *.example.net", "max_age: 86400"},
                               .enforced = enforced,
                               .mx_matched = result != StsResult::kMxMismatch,
                               .matched_pattern = result != StsResult::kMxMismatch ? "*.example.net" : "",
                               .result = result,
                               .reason = result == StsResult::kVerified ? "" : "why",
                               .cache_age = 42,
                               .origin = "cache",
                               .fetch_note = "sts-policy-fetch-error: HTTP 500",
                               .fetch_failure = "sts-policy-fetch-error"};
  return r;
}

TEST(StsRecord, TheMtaStsObjectIsReadBack) {
  const TlsOutcome o = with_sts(StsResult::kVerified, true);
  auto r = parse_outcome_line(to_json_line(o));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->mta_sts);
  const auto& m = *r->mta_sts;
  const auto& w = *o.mta_sts;
  EXPECT_EQ(m.policy_domain, w.policy_domain);
  EXPECT_EQ(m.id, w.id);
  EXPECT_EQ(m.mode, w.mode);
  EXPECT_EQ(m.mx, w.mx);
  EXPECT_EQ(m.lines, w.lines);
  EXPECT_EQ(m.enforced, w.enforced);
  EXPECT_EQ(m.mx_matched, w.mx_matched);
  EXPECT_EQ(m.matched_pattern, w.matched_pattern);
  EXPECT_EQ(m.result, w.result);
  EXPECT_EQ(m.cache_age, 42);
  EXPECT_EQ(m.origin, "cache");
  EXPECT_EQ(m.fetch_note, w.fetch_note);
  EXPECT_EQ(m.fetch_failure, w.fetch_failure);
  EXPECT_EQ(tls_summary(*r), "sts-verified(enforce, *.example.net)");
  auto bad = json::parse(to_json_line(o));
  bad["mta_sts"]["result"] = "fine";
  EXPECT_FALSE(parse_outcome_line(bad.dump()));
  bad = json::parse(to_json_line(o));
  bad["mta_sts"]["cache_age"] = "old";
  EXPECT_FALSE(parse_outcome_line(bad.dump()));
  // Without a policy the record has no mta_sts member.
  TlsOutcome none = o;
  none.mta_sts.reset();
  EXPECT_EQ(to_json_line(none).find("mta_sts"), std::string::npos);
}

TEST(StsTlsRpt, ResultTypesAndReasonCodes) {
  EXPECT_EQ(tlsrpt_result_type(with_sts(StsResult::kMxMismatch, false)), "validation-failure");
  EXPECT_EQ(tlsrpt_reason_code(with_sts(StsResult::kMxMismatch, false)), "sts-mx-mismatch");
  auto cert = with_sts(StsResult::kCertificate, true);
  EXPECT_EQ(tlsrpt_result_type(cert), "certificate-host-mismatch");
  cert.trace->chain = {.ok = false, .error = "certificate has expired"};
  EXPECT_EQ(tlsrpt_result_type(cert), "certificate-expired");
  cert.trace->chain.error = "unknown issuer";
  EXPECT_EQ(tlsrpt_result_type(cert), "certificate-not-trusted");
  auto starttls = with_sts(StsResult::kStarttls, false);
  starttls.starttls = StartTls::kNotOffered;
  EXPECT_EQ(tlsrpt_result_type(starttls), "starttls-not-supported");
  starttls.starttls = StartTls::kFailed;
  EXPECT_EQ(tlsrpt_result_type(starttls), "validation-failure");
  EXPECT_EQ(tlsrpt_result_type(with_sts(StsResult::kMxMismatch, false, /*enforced=*/false)), "validation-failure")
      << "a testing policy's failures are reported too (RFC 8460 §3)";
  EXPECT_EQ(tlsrpt_result_type(with_sts(StsResult::kVerified, true)), std::nullopt);
  auto none = with_sts(StsResult::kNotEvaluated, true);
  none.mta_sts->origin = "none";
  none.mta_sts->fetch_failure = "sts-webpki-invalid";
  EXPECT_EQ(tlsrpt_result_type(none), "sts-webpki-invalid");
  EXPECT_EQ(tlsrpt_reason_code(none), "sts-fetch");
  EXPECT_EQ(tlsrpt_policy(none).type, "no-policy-found");
  auto dane = with_sts(StsResult::kNotEvaluated, true);
  dane.mta_sts->dane_decides = true;
  EXPECT_EQ(tlsrpt_policy(dane).type, "no-policy-found") << "without a DANE trace here; with one, tlsa (RFC 8461 §2)";
}

TEST(StsTlsRpt, TheStsPolicyHasItsLinesAndMxHostsPerSection4_4) {
  Report report;
  report.add(with_sts(StsResult::kVerified, true));
  report.add(with_sts(StsResult::kMxMismatch, false));
  const auto files = render_tlsrpt(report, {});
  ASSERT_EQ(files.size(), 1u);
  const json r = json::parse(files[0].json);
  ASSERT_EQ(r["policies"].size(), 1u);
  const json& p = r["policies"][0];
  EXPECT_EQ(p["policy"]["policy-type"], "sts");
  EXPECT_EQ(p["policy"]["policy-domain"], "example.com");
  EXPECT_EQ(p["policy"]["policy-string"],
            json::array({"version: STSv1", "mode: enforce", "mx: *.example.net", "max_age: 86400"}));
  EXPECT_EQ(p["policy"]["mx-host"], json::array({"*.example.net"}));
  EXPECT_EQ(p["summary"]["total-successful-session-count"], 1);
  EXPECT_EQ(p["summary"]["total-failure-session-count"], 1);
  const json& d = p["failure-details"][0];
  EXPECT_EQ(d["result-type"], "validation-failure");
  EXPECT_EQ(d["failure-reason-code"], "sts-mx-mismatch");
  EXPECT_EQ(d["receiving-mx-hostname"], "mx1.example.net");
  EXPECT_EQ(d["receiving-ip"], "192.0.2.1");
  EXPECT_EQ(d["failed-session-count"], 1);
}

}  // namespace
}  // namespace sealpost::mta
