// TLS alerts (queue/tls_alerts.h): which attempts are mandatory-TLS failures, the rate limit
// per destination, and an alert's text (the reason escaped: it is the peer's words).
#include <gtest/gtest.h>

#include "mta/queue/tls_alerts.h"

namespace sealpost::mta {
namespace {

using policy::TlsSetting;
using namespace std::chrono_literals;

// A required-verify attempt whose chain did not verify: the happy path of an alert.
TlsOutcome bad_chain(std::string domain = "bank.example") {
  TlsOutcome o;
  o.recipient_domain = std::move(domain);
  o.destconfig_entry = o.recipient_domain;
  o.setting = TlsSetting::kRequiredVerify;
  o.host = "mx1." + o.recipient_domain;
  o.ip = "192.0.2.1";
  o.port = 25;
  o.stage = OutcomeStage::kChain;
  o.starttls = StartTls::kOk;
  o.tls_version = "TLS v1.3";
  o.trace = policy::VerificationTrace{.setting = TlsSetting::kRequiredVerify,
                                      .rules = policy::IdentityRules::kVerify,
                                      .chain = {.ok = false, .error = "certificate has expired"}};
  o.result = OutcomeResult::kNextHost;
  o.status = "4.7.5";
  o.reason = "certificate has expired";
  o.queue_id = "0123456789ABCDEF";
  return o;
}

const AlertSettings kOn{
    .recipients = {"postmaster@example.org", "tls@example.org"}, .interval_seconds = 3600, .hostname = "relay.example.org"};

TEST(TlsAlerts, OnlyMandatoryTlsFailingForATlsReason) {
  EXPECT_EQ(mandatory_tls_failure(bad_chain()), "certificate-expired");
  auto o = bad_chain();
  o.setting = TlsSetting::kRequired;
  o.trace.reset();
  o.stage = OutcomeStage::kStarttlsOffer;
  o.starttls = StartTls::kNotOffered;
  o.tls_version.clear();
  EXPECT_EQ(mandatory_tls_failure(o), "starttls-not-supported") << "required, STARTTLS not offered";
  o.setting = TlsSetting::kPreferred;
  EXPECT_FALSE(mandatory_tls_failure(o)) << "preferred: sending in the clear is what was asked";
  o.dane = policy::DaneTrace{};
  o.dane->state = policy::DaneState::kUsable;
  EXPECT_TRUE(mandatory_tls_failure(o)) << "usable TLSA records make TLS mandatory (RFC 7672 §2.2)";
  o = bad_chain();
  o.result = OutcomeResult::kSent;
  EXPECT_FALSE(mandatory_tls_failure(o)) << "delivered";
  o = bad_chain();
  o.result = OutcomeResult::kRetryInClear;
  EXPECT_FALSE(mandatory_tls_failure(o));
  o = bad_chain();
  o.trace.reset();
  o.stage = OutcomeStage::kConnect;
  o.starttls = StartTls::kNotAttempted;
  o.tls_version.clear();
  EXPECT_FALSE(mandatory_tls_failure(o)) << "a host that does not answer is not a TLS failure";
}

TEST(TlsAlerts, OnePerDestinationPerInterval) {
  TlsAlerts alerts;
  const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  const auto first = alerts.consider(bad_chain(), kOn, t0);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->from, "") << "the null sender: an alert never bounces back";
  EXPECT_EQ(first->recipients, kOn.recipients);
  EXPECT_FALSE(alerts.consider(bad_chain(), kOn, t0 + 10min)) << "within the hour";
  EXPECT_TRUE(alerts.consider(bad_chain("other.example"), kOn, t0 + 10min)) << "another destination";
  EXPECT_FALSE(alerts.consider(bad_chain(), kOn, t0 + 3599s));
  EXPECT_TRUE(alerts.consider(bad_chain(), kOn, t0 + 3600s)) << "the hour is over";
  EXPECT_FALSE(TlsAlerts().consider(bad_chain(), AlertSettings{}, t0)) << "no recipients: no alerts";
  auto sent = bad_chain();
  sent.result = OutcomeResult::kSent;
  EXPECT_FALSE(TlsAlerts().consider(sent, kOn, t0));
}

TEST(TlsAlerts, TextNamesDomainHostStageAndReasonWithThePeersWordsEscaped) {
  auto o = bad_chain();
  o.reason = "bad\r\nBcc: victim@example.net\r\n\r\nforged body \xff";
  const auto alert = TlsAlerts().consider(o, kOn, std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000)));
  ASSERT_TRUE(alert);
  const std::string& m = alert->content;
  EXPECT_NE(m.find("\r\nSubject: Sealpost alert: mandatory TLS failed for bank.example\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\r\nTo: <postmaster@example.org>,\r\n <tls@example.org>\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\r\nAuto-Submitted: auto-generated\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  host:        mx1.bank.example [192.0.2.1]:25\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  stage:       chain\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  failure:     certificate-expired (RFC 8460 result type)\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  destination: bank.example (destconfig entry bank.example, tls = required-verify)\r\n"), std::string::npos);
  EXPECT_EQ(m.find("\r\nBcc:"), std::string::npos) << "a reason cannot add a header or a line: " << m;
  EXPECT_NE(m.find("  reason:      bad"), std::string::npos) << m;
  for (const char c : m) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "us-ascii";
  EXPECT_NE(m.find("No further alert about bank.example before 2027-01-15T09:00:00Z.\r\n"), std::string::npos) << m;
}

TEST(TlsAlerts, TrustAnchorsExpiredOrEndingWithin30DaysOnceADay) {
  using std::chrono::hours;
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));  // 2027-01-15T08:00:00Z
  const std::vector<ExpiringAnchor> anchors = {
      {.trustpoint = "corp-ca", .subject = "CN=Corp Root", .not_after = now + hours(24 * 10)},
      {.trustpoint = "old", .subject = "CN=Old CA", .not_after = now - hours(24 * 400)},
      {.trustpoint = "fresh", .subject = "CN=Fresh CA", .not_after = now + hours(24 * 100)},
  };
  TlsAlerts alerts;
  const auto alert = alerts.consider_anchors(anchors, kOn, now);
  ASSERT_TRUE(alert);
  const std::string& m = alert->content;
  EXPECT_NE(m.find("\r\nSubject: Sealpost alert: trust anchors expired or expiring\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  trust/corp-ca.pem: CN=Corp Root expires on 2027-01-25 (in 10 days)\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("  trust/old.pem: CN=Old CA expired on 2025-12-11\r\n"), std::string::npos) << m;
  EXPECT_EQ(m.find("Fresh"), std::string::npos) << "100 days left: not yet";
  EXPECT_FALSE(alerts.consider_anchors(anchors, kOn, now + hours(23))) << "once a day";
  EXPECT_TRUE(alerts.consider_anchors(anchors, kOn, now + hours(24)));
  EXPECT_FALSE(TlsAlerts().consider_anchors(anchors, AlertSettings{}, now)) << "alerts off";
  EXPECT_FALSE(TlsAlerts().consider_anchors({anchors[2]}, kOn, now));
}

}  // namespace
}  // namespace sealpost::mta
