// The outcome record read back field by field from what the relay's writer wrote (the
// README's field list is a contract between the two), the typed names both ways, and what a
// line that is not a record is told.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mta/report/outcome_reader.h"
#include "mta/report/tls_outcome.h"

namespace sealpost::mta {
namespace {

using nlohmann::json;

TlsOutcome full_outcome() {
  policy::VerificationTrace t{.setting = policy::TlsSetting::kRequiredVerifyHosted, .rules = policy::IdentityRules::kHosted};
  t.chain = {.ok = true, .anchor = "test-ca", .anchor_subject = "CN=Test CA"};
  t.presented.push_back({.kind = policy::PresentedKind::kDnsId, .raw = "mx.example.com", .value = "mx.example.com"});
  t.presented.push_back({.kind = policy::PresentedKind::kCnId, .raw = "mx.example.com", .value = "mx.example.com"});
  t.ref_ids.push_back({.source = policy::RefSource::kRecipientDomain, .value = "example.com", .trusted = true});
  t.ref_ids.push_back({.source = policy::RefSource::kMxHost, .value = "mx.example.com", .trusted = true});
  t.identity.matched = true;
  t.identity.rule = "mx-host";
  t.identity.match = policy::Comparison{.presented = 0, .ref_id = 1, .rule = "mx-host", .result = policy::NameMatch::kExact};
  t.verified = true;
  t.verdict = "verified";
  return {.time = "2026-11-22T10:11:12Z",
          .queue_id = "0123456789ABCDEF",
          .recipient_domain = "example.com",
          .destconfig_entry = ".example.com",
          .setting = policy::TlsSetting::kRequiredVerifyHosted,
          .via = "mx",
          .host = "mx.example.com",
          .ip = "192.0.2.1",
          .port = 25,
          .stage = OutcomeStage::kQuit,
          .starttls = StartTls::kOk,
          .tls_version = "TLS v1.2",
          .tls_cipher = "ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          .tls_resumed = true,
          .connection_reused = true,
          .trace = t,
          .fallback_plaintext = true,
          .result = OutcomeResult::kSent,
          .status = "2.0.0",
          .reason = "ok \"quoted\" \xe2\x80\x94 text"};
}

TEST(ReportRecord, TheDaneObjectIsReadBack) {
  TlsOutcome o = full_outcome();
  o.dane = policy::DaneTrace{.state = policy::DaneState::kUsable,
                             .mx_secure = false,
                             .half = true,
                             .tlsa_base = "mx.example.com",
                             .tlsa = policy::TlsaAnswer::kSecureFound,
                             .records = {"3 1 1 AB", "1 1 1 CD"},
                             .unusable = {"1 1 1 CD: usage 1 (PKIX) is not for SMTP (RFC 7672 §3.1.3)"},
                             .matched = "3 1 1 AB",
                             .depth = 0,
                             .rule = "dane-ee",
                             .verified = true,
                             .reason = "matched DANE-EE record 3 1 1 AB at depth 0"};
  auto r = parse_outcome_line(to_json_line(o));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->dane);
  const auto& d = *r->dane;
  EXPECT_EQ(d.state, o.dane->state);
  EXPECT_EQ(d.mx_secure, false);
  EXPECT_EQ(d.half, true);
  EXPECT_EQ(d.tlsa_base, o.dane->tlsa_base);
  EXPECT_EQ(d.tlsa, o.dane->tlsa);
  EXPECT_EQ(d.records, o.dane->records);
  EXPECT_EQ(d.unusable, o.dane->unusable);
  EXPECT_EQ(d.matched, o.dane->matched);
  EXPECT_EQ(d.depth, 0);
  EXPECT_EQ(d.rule, "dane-ee");
  EXPECT_TRUE(d.verified);
  EXPECT_EQ(d.reason, o.dane->reason);
  EXPECT_EQ(tls_summary(*r), "dane-verified(dane-ee, half)");
  // Without DANE the record has no `dane` member at all (the records of before stay as they were).
  EXPECT_EQ(to_json_line(full_outcome()).find("\"dane\""), std::string::npos);
  auto bad = nlohmann::json::parse(to_json_line(o));
  bad["dane"]["state"] = "maybe";
  EXPECT_FALSE(parse_outcome_line(bad.dump()));
}

TEST(ReportRecord, EveryFieldTheWriterWritesIsReadBack) {
  const TlsOutcome o = full_outcome();
  const policy::VerificationTrace& t = *o.trace;
  auto r = parse_outcome_line(to_json_line(o));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->time, o.time);
  EXPECT_EQ(r->queue_id, o.queue_id);
  EXPECT_EQ(r->recipient_domain, o.recipient_domain);
  EXPECT_EQ(r->destconfig_entry, o.destconfig_entry);
  EXPECT_EQ(r->setting, policy::TlsSetting::kRequiredVerifyHosted);
  EXPECT_EQ(r->via, o.via);
  EXPECT_EQ(r->host, o.host);
  EXPECT_EQ(r->ip, o.ip);
  EXPECT_EQ(r->port, o.port);
  EXPECT_EQ(r->stage, o.stage);
  EXPECT_EQ(r->starttls, o.starttls);
  EXPECT_EQ(r->tls_version, o.tls_version);
  EXPECT_EQ(r->tls_cipher, o.tls_cipher);
  EXPECT_EQ(r->tls_resumed, o.tls_resumed);
  EXPECT_EQ(r->connection_reused, o.connection_reused);
  EXPECT_EQ(r->fallback_plaintext, o.fallback_plaintext);
  EXPECT_EQ(r->result, o.result);
  EXPECT_EQ(r->status, o.status);
  EXPECT_EQ(r->reason, o.reason);
  ASSERT_TRUE(r->trace);
  const auto& rt = *r->trace;
  EXPECT_TRUE(rt.verified);
  EXPECT_TRUE(rt.chain.ok);
  EXPECT_EQ(rt.chain.anchor, "test-ca");
  EXPECT_EQ(rt.rules, policy::IdentityRules::kHosted);
  EXPECT_EQ(rt.identity.rule, "mx-host");
  ASSERT_EQ(rt.presented.size(), 2u);
  for (std::size_t i = 0; i < rt.presented.size(); ++i) {
    EXPECT_EQ(rt.presented[i].kind, t.presented[i].kind);
    EXPECT_EQ(rt.presented[i].raw, t.presented[i].raw);
    EXPECT_EQ(rt.presented[i].value, t.presented[i].value);
  }
  ASSERT_EQ(rt.ref_ids.size(), 2u);
  for (std::size_t i = 0; i < rt.ref_ids.size(); ++i) {
    EXPECT_EQ(rt.ref_ids[i].source, t.ref_ids[i].source);
    EXPECT_EQ(rt.ref_ids[i].value, t.ref_ids[i].value);
    EXPECT_EQ(rt.ref_ids[i].trusted, t.ref_ids[i].trusted);
  }
  // Read back, the record is written again as it was, but for what only people read (the
  // comparisons, the matched pair and the verdict).
  TlsOutcome again = *r;
  again.trace->identity.comparisons = t.identity.comparisons;
  again.trace->identity.match = t.identity.match;
  again.trace->verdict = t.verdict;
  again.trace->chain.anchor_subject = t.chain.anchor_subject;
  EXPECT_EQ(to_json_line(again), to_json_line(o));

  // Nulls: no queue ID (tlsverify), no TLS, no verification, no status.
  TlsOutcome clear{.time = "2026-11-22T10:11:12Z",
                   .recipient_domain = "example.com",
                   .setting = policy::TlsSetting::kNo,
                   .via = "route",
                   .host = "192.0.2.9",
                   .ip = "192.0.2.9",
                   .port = 587,
                   .stage = OutcomeStage::kQuit,
                   .result = OutcomeResult::kSent};
  auto c = parse_outcome_line(to_json_line(clear));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->queue_id, "");
  EXPECT_FALSE(encrypted(*c));
  EXPECT_FALSE(c->trace);
  EXPECT_EQ(c->status, "");
  EXPECT_EQ(c->starttls, "not-attempted");
}

TEST(ReportRecord, WhatIsNotARecordSaysWhy) {
  const std::string good = to_json_line(full_outcome());
  EXPECT_EQ(parse_outcome_line("").error().message, "not JSON");
  EXPECT_EQ(parse_outcome_line("[1,2]").error().message, "not a JSON object");
  EXPECT_EQ(parse_outcome_line(good.substr(0, good.size() / 2)).error().message, "not JSON");
  json j = json::parse(good);
  j.erase("stage");
  EXPECT_EQ(parse_outcome_line(j.dump()).error().message, "no field 'stage'");
  j = json::parse(good);
  j["port"] = 70000;
  EXPECT_EQ(parse_outcome_line(j.dump()).error().message, "field 'port' is not a port number");
  j = json::parse(good);
  j["time"] = "yesterday";
  EXPECT_FALSE(parse_outcome_line(j.dump()));
  j = json::parse(good);
  j["verification"]["presented"] = 3;
  EXPECT_EQ(parse_outcome_line(j.dump()).error().message, "verification: field 'presented' is not a list");
  j = json::parse(good);
  j.erase("connection_reused");  // records written before connection reuse existed
  EXPECT_TRUE(parse_outcome_line(j.dump()));
}

TEST(ReportRecord, EveryTypedValueHasItsJsonNameBothWays) {
  for (int i = 0; i <= static_cast<int>(OutcomeStage::kQuit); ++i) {
    const auto e = static_cast<OutcomeStage>(i);
    EXPECT_EQ(parse_outcome_stage(to_string(e)), e) << to_string(e);
  }
  for (int i = 0; i <= static_cast<int>(StartTls::kImplicit); ++i) {
    const auto e = static_cast<StartTls>(i);
    EXPECT_EQ(parse_starttls(to_string(e)), e) << to_string(e);
  }
  for (int i = 0; i <= static_cast<int>(OutcomeResult::kProbed); ++i) {
    const auto e = static_cast<OutcomeResult>(i);
    EXPECT_EQ(parse_outcome_result(to_string(e)), e) << to_string(e);
  }
  EXPECT_EQ(to_string(OutcomeStage::kStarttlsInjection), "starttls-injection");
  EXPECT_EQ(to_string(StartTls::kNotAttempted), "not-attempted");
  EXPECT_EQ(to_string(OutcomeResult::kRetryInClear), "retry-in-clear");
  EXPECT_EQ(outcome_stage(policy::Stage::kStarttlsOffer), OutcomeStage::kStarttlsOffer);
  EXPECT_FALSE(parse_outcome_stage("Quit"));
  json j = json::parse(to_json_line(full_outcome()));
  j["stage"] = "lunch";
  EXPECT_EQ(parse_outcome_line(j.dump()).error().message, "field 'stage' is not a known stage: 'lunch'");
  j = json::parse(to_json_line(full_outcome()));
  j["verification"]["rules"] = "lenient";
  EXPECT_EQ(parse_outcome_line(j.dump()).error().message, "verification: field 'rules' is not a known rules: 'lenient'");
}

}  // namespace
}  // namespace sealpost::mta
