// `sealpost report`'s pieces without files: the four verdicts, filters, capped reasons,
// RFC 8460 result types and output checked field by field against §4.4's schema (names,
// types, required members), and the HTML page's escaping.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mta/report/report_html.h"
#include "mta/report/report_stats.h"
#include "mta/report/report_tlsrpt.h"
#include "mta/report/tls_outcome.h"

namespace sealpost::mta {
namespace {

using nlohmann::json;

TlsOutcome rec(std::string domain, std::string setting, std::string stage, std::string starttls, std::string result, bool tls,
               bool verified, std::string time = "2026-11-22T10:00:00Z") {
  TlsOutcome r;
  r.time = std::move(time);
  r.recipient_domain = std::move(domain);
  r.setting = policy::parse_tls_setting(setting).value();
  r.via = "mx";
  r.host = "mx." + r.recipient_domain;
  r.ip = "192.0.2.1";
  r.stage = parse_outcome_stage(stage).value();
  r.starttls = parse_starttls(starttls).value();
  r.result = parse_outcome_result(result).value();
  if (tls) r.tls_version = "TLS v1.2";
  if (tls) r.trace = policy::VerificationTrace{.setting = r.setting, .verified = verified};
  if (tls) r.trace->chain.ok = verified;
  return r;
}

TEST(ReportStats, VerdictsFiltersAndCappedReasons) {
  Report report({.since = "2026-11-22T00:00:00Z", .domain = ""});
  report.add(rec("a.test", "required-verify", "quit", "ok", "sent", true, true));
  report.add(rec("a.test", "preferred", "quit", "ok", "sent", true, false));
  report.add(rec("a.test", "no", "quit", "not-attempted", "sent", false, false));
  auto failed = rec("a.test", "required-verify", "chain", "ok", "deferred", true, false);
  for (std::size_t i = 0; i < kMaxReasons + 10; ++i) {
    failed.reason = "reason " + std::to_string(i);
    report.add(failed);
  }
  report.add(rec("a.test", "no", "quit", "not-attempted", "sent", false, false, "2026-11-21T23:59:59Z"));  // before --since
  const auto& a = report.domains().at("a.test");
  EXPECT_EQ(a.counts.connections, 3 + kMaxReasons + 10);
  EXPECT_EQ(a.counts.verified, 1u);
  EXPECT_EQ(a.counts.unverified, 1u);
  EXPECT_EQ(a.counts.plaintext, 1u);
  EXPECT_EQ(a.counts.failed, kMaxReasons + 10);
  const auto& chain = a.failures.at("chain");
  EXPECT_EQ(chain.count, kMaxReasons + 10);
  EXPECT_EQ(chain.reasons.size(), kMaxReasons + 1);  // memory bounded: the rest is one entry
  EXPECT_EQ(chain.reasons.at("(other reasons)"), 10u);
}

TEST(ReportTlsRpt, ResultTypesPerRfc8460Section4_3) {
  EXPECT_EQ(tlsrpt_result_type(rec("d", "preferred", "quit", "not-offered", "sent", false, false)), "starttls-not-supported");
  EXPECT_EQ(tlsrpt_result_type(rec("d", "required", "starttls-reply", "refused", "deferred", false, false)),
            "starttls-not-supported");
  EXPECT_EQ(tlsrpt_result_type(rec("d", "required", "starttls-injection", "injection", "next-host", false, false)),
            "validation-failure");
  EXPECT_EQ(tlsrpt_result_type(rec("d", "preferred", "handshake", "failed", "retry-in-clear", false, false)),
            "validation-failure");
  auto expired = rec("d", "required-verify", "chain", "ok", "deferred", true, false);
  expired.trace->chain.error = "certificate has expired";
  EXPECT_EQ(tlsrpt_result_type(expired), "certificate-expired");
  expired.trace->chain.error = "self-signed certificate is not trusted";
  EXPECT_EQ(tlsrpt_result_type(expired), "certificate-not-trusted");
  auto mismatch = rec("d", "required-verify-hosted", "identity", "ok", "deferred", true, false);
  mismatch.trace->chain.ok = true;
  EXPECT_EQ(tlsrpt_result_type(mismatch), "certificate-host-mismatch");
  // Unverified TLS under a setting that does not verify is not a failure; clear text under
  // tls=no is not a TLS session at all.
  EXPECT_EQ(tlsrpt_result_type(rec("d", "preferred", "quit", "ok", "sent", true, false)), std::nullopt);
  EXPECT_EQ(tlsrpt_result_type(rec("d", "no", "quit", "not-attempted", "sent", false, false)), std::nullopt);
}

TEST(ReportTlsRpt, OneReportPerDomainAndDayWithTheSchemaOfSection4_4) {
  Report report;
  report.add(rec("example.com", "required-verify", "quit", "ok", "sent", true, true, "2026-11-22T01:00:00Z"));
  report.add(rec("example.com", "required-verify", "quit", "ok", "sent", true, true, "2026-11-22T02:00:00Z"));
  auto bad = rec("example.com", "required-verify", "identity", "ok", "deferred", true, false, "2026-11-22T03:00:00Z");
  bad.trace->chain.ok = true;
  report.add(bad);
  report.add(rec("example.com", "no", "quit", "not-attempted", "sent", false, false, "2026-11-22T04:00:00Z"));
  report.add(rec("example.com", "required-verify", "quit", "ok", "sent", true, true, "2026-11-23T00:00:00Z"));
  const auto files =
      render_tlsrpt(report, {.organization = "Example Org", .contact = "tlsrpt@sender.test", .sender = "sender.test"});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].name, "sender.test!example.com!1795305600!1795392000.json");  // §5.3
  const json r = json::parse(files[0].json);
  // §4.4: the report's members and their types.
  EXPECT_EQ(r["organization-name"], "Example Org");
  EXPECT_EQ(r["contact-info"], "tlsrpt@sender.test");
  EXPECT_TRUE(r["report-id"].is_string());
  EXPECT_EQ(r["date-range"]["start-datetime"], "2026-11-22T00:00:00Z");
  EXPECT_EQ(r["date-range"]["end-datetime"], "2026-11-22T23:59:59Z");
  ASSERT_TRUE(r["policies"].is_array());
  ASSERT_EQ(r["policies"].size(), 1u);
  const json& p = r["policies"][0];
  EXPECT_EQ(p["policy"]["policy-type"], "no-policy-found");
  EXPECT_EQ(p["policy"]["policy-domain"], "example.com");
  EXPECT_FALSE(p["policy"].contains("policy-string"));
  EXPECT_EQ(p["summary"]["total-successful-session-count"], 2);
  EXPECT_EQ(p["summary"]["total-failure-session-count"], 1);  // tls=no is not counted
  ASSERT_EQ(p["failure-details"].size(), 1u);
  const json& f = p["failure-details"][0];
  EXPECT_EQ(f["result-type"], "certificate-host-mismatch");
  EXPECT_EQ(f["receiving-mx-hostname"], "mx.example.com");
  EXPECT_EQ(f["receiving-ip"], "192.0.2.1");
  EXPECT_EQ(f["failed-session-count"], 1);
  EXPECT_TRUE(f["failure-reason-code"].is_string());
  for (const auto& [key, value] : r.items()) {
    EXPECT_TRUE(key == "organization-name" || key == "date-range" || key == "contact-info" || key == "report-id" ||
                key == "policies")
        << key;
  }
  EXPECT_FALSE(json::parse(files[1].json)["policies"][0].contains("failure-details"));  // none that day
}

TlsOutcome with_dane(TlsOutcome r, policy::DaneState state, bool verified) {
  r.dane = policy::DaneTrace{.state = state,
                             .mx_secure = true,
                             .tlsa_base = "mx." + r.recipient_domain,
                             .records = {"3 1 1 AB"},
                             .rule = verified ? "dane-ee" : "",
                             .verified = verified};
  return r;
}

TEST(ReportTlsRpt, DaneResultTypesAndTheTlsaPolicy) {
  using policy::DaneState;
  EXPECT_EQ(tlsrpt_result_type(with_dane(rec("d", "preferred", "tlsa-lookup", "not-attempted", "deferred", false, false),
                                         DaneState::kTempfail, false)),
            "dnssec-invalid");
  EXPECT_EQ(tlsrpt_result_type(with_dane(rec("d", "preferred", "tlsa-lookup", "not-attempted", "deferred", false, false),
                                         DaneState::kRequired, false)),
            "dane-required");
  EXPECT_EQ(tlsrpt_result_type(with_dane(rec("d", "preferred", "quit", "ok", "sent", true, false), DaneState::kUnusable, false)),
            "tlsa-invalid");
  EXPECT_EQ(
      tlsrpt_result_type(with_dane(rec("d", "preferred", "dane", "ok", "deferred", true, false), DaneState::kUsable, false)),
      "certificate-not-trusted");
  const auto verified = with_dane(rec("d", "preferred", "quit", "ok", "sent", true, false), DaneState::kUsable, true);
  EXPECT_EQ(tlsrpt_result_type(verified), std::nullopt) << "DANE-verified, though the ESA rules would not verify";

  Report report;
  report.add(verified);
  report.add(rec("d", "preferred", "quit", "ok", "sent", true, false));
  EXPECT_EQ(report.domains().at("d").counts.verified, 1u);
  EXPECT_EQ(report.domains().at("d").rules.at("dane-ee"), 1u);
  const json r = json::parse(render_tlsrpt(report, {})[0].json);
  ASSERT_EQ(r["policies"].size(), 2u);
  const json& dane = r["policies"][1];
  EXPECT_EQ(dane["policy"]["policy-type"], "tlsa");
  EXPECT_EQ(dane["policy"]["policy-domain"], "mx.d");
  EXPECT_EQ(dane["policy"]["policy-string"], json::array({"3 1 1 AB"}));
  EXPECT_EQ(dane["summary"]["total-successful-session-count"], 1);
  EXPECT_EQ(r["policies"][0]["policy"]["policy-type"], "no-policy-found");
}

TEST(ReportHtml, SelfContainedAndEscaped) {
  Report report;
  auto r = rec("<script>.test", "required-verify", "chain", "ok", "deferred", true, false);
  r.reason = "<b>bad</b>";
  report.add(r);
  const std::string html = render_html(report, "T");
  EXPECT_EQ(html.find("<script>.test"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;.test"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;bad&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);   // no external script
  EXPECT_EQ(html.find("href="), std::string::npos);  // no external style sheet or font
  EXPECT_EQ(html.find("http"), std::string::npos);
}

}  // namespace
}  // namespace sealpost::mta
