// See tls_alerts.h.
#include "mta/queue/tls_alerts.h"

#include "mta/report/report_stats.h"
#include "policy/domain_name.h"
#include "policy/time_format.h"

namespace sealpost::mta {
namespace {

// RFC 5322 §2.1.1: at most 998 octets a line; a remote reason is cut well before that, and
// its control characters (a CR LF among them) are escaped so it cannot add a header.
constexpr std::size_t kMaxReason = 500;

std::string text_of(std::string_view raw) {
  std::string s = policy::escape_for_display(raw.substr(0, kMaxReason));
  for (char& c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';  // the alert is us-ascii
  }
  return s;
}

// From, To, Subject, Date, Message-ID, Auto-Submitted and a us-ascii text body follow.
std::string headers(const AlertSettings& s, const std::string& subject, std::chrono::system_clock::time_point now) {
  std::string to;
  for (const auto& r : s.recipients) to += (to.empty() ? "<" : ",\r\n <") + r + ">";
  std::string m;
  m += "From: Sealpost <MAILER-DAEMON@" + s.hostname + ">\r\n";
  m += "To: " + to + "\r\n";
  m += "Subject: " + subject + "\r\n";
  m += "Date: " + policy::rfc5322_utc(now) + "\r\n";
  m += "Message-ID: <alert." + std::to_string(now.time_since_epoch().count()) + "@" + s.hostname + ">\r\n";
  m += "Auto-Submitted: auto-generated\r\n";  // RFC 3834 §5
  m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
  return m;
}

}  // namespace

std::optional<std::string> mandatory_tls_failure(const TlsOutcome& o) {
  if (delivered(o.result) || o.result == OutcomeResult::kRetryInClear) return std::nullopt;
  const bool mandatory =
      policy::requires_tls(o.setting) ||
      (o.dane && (o.dane->state == policy::DaneState::kUsable || o.dane->state == policy::DaneState::kRequired)) ||
      (o.mta_sts && o.mta_sts->enforced && !o.mta_sts->dane_decides && o.mta_sts->origin != "none");
  if (!mandatory) return std::nullopt;
  return tlsrpt_result_type(o);
}

std::optional<Envelope> TlsAlerts::consider(const TlsOutcome& o, const AlertSettings& s,
                                            std::chrono::system_clock::time_point now) {
  if (s.recipients.empty()) return std::nullopt;
  const auto failure = mandatory_tls_failure(o);
  if (!failure) return std::nullopt;
  const auto last = last_.find(o.recipient_domain);
  if (last != last_.end() && now - last->second < std::chrono::seconds(s.interval_seconds)) return std::nullopt;
  last_[o.recipient_domain] = now;

  const std::string domain = text_of(o.recipient_domain);
  std::string m = headers(s, "Sealpost alert: mandatory TLS failed for " + domain, now);
  m += "Delivery to " + domain + " failed for a TLS reason, where TLS is mandatory.\r\n\r\n";
  m += "  destination: " + domain + " (destconfig entry " + text_of(o.destconfig_entry) +
       ", tls = " + std::string(policy::to_string(o.setting)) + ")\r\n";
  m += "  host:        " + text_of(o.host) + " [" + text_of(o.ip) + "]:" + std::to_string(o.port) + "\r\n";
  m += "  stage:       " + std::string(to_string(o.stage)) + "\r\n";
  m += "  failure:     " + *failure + " (RFC 8460 result type)\r\n";
  m += "  reason:      " + text_of(o.reason) + "\r\n";
  m += "  queue ID:    " + text_of(o.queue_id) + "\r\n";
  m += "  result:      " + std::string(to_string(o.result)) + "\r\n";
  m += "  time:        " + policy::rfc3339_utc(now) + "\r\n\r\n";
  m += "The mail was not sent in the clear. `sealpost tlsverify " + domain + "` shows the whole decision.\r\n";
  m += "No further alert about " + domain + " before " + policy::rfc3339_utc(now + std::chrono::seconds(s.interval_seconds)) +
       ".\r\n";
  return Envelope{.from = "", .recipients = s.recipients, .content = std::move(m)};
}

std::optional<Envelope> TlsAlerts::consider_anchors(const std::vector<ExpiringAnchor>& anchors, const AlertSettings& s,
                                                    std::chrono::system_clock::time_point now) {
  if (s.recipients.empty()) return std::nullopt;
  std::string lines;
  for (const auto& a : anchors) {
    if (a.not_after >= now + kAnchorWarning) continue;
    const std::string key = a.trustpoint + "\n" + a.subject;
    const auto last = last_anchor_.find(key);
    if (last != last_anchor_.end() && now - last->second < kAnchorAlertEvery) continue;
    last_anchor_[key] = now;
    const std::string day = policy::rfc3339_utc(a.not_after).substr(0, 10);
    const auto days = std::chrono::duration_cast<std::chrono::hours>(a.not_after - now).count() / 24;
    lines += "  trust/" + text_of(a.trustpoint) + ".pem: " + text_of(a.subject) +
             (a.not_after < now ? " expired on " + day : " expires on " + day + " (in " + std::to_string(days) + " days)") +
             "\r\n";
  }
  if (lines.empty()) return std::nullopt;
  std::string m = headers(s, "Sealpost alert: trust anchors expired or expiring", now);
  m += "These trust anchors have expired or expire within 30 days. A chain that ends at an\r\n";
  m += "expired anchor does not verify: destinations that require verification through it defer.\r\n\r\n";
  m += lines;
  m += "\r\nReplace them with `sealpost trust import NAME FILE --replace`; `sealpost check` lists them.\r\n";
  m += "This alert repeats once a day while they stay.\r\n";
  return Envelope{.from = "", .recipients = s.recipients, .content = std::move(m)};
}

}  // namespace sealpost::mta
