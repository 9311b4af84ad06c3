// Alerts to the administrators ([alerts] recipients; issue 16, the ESA's alert on a failed
// mandatory-TLS delivery): when delivery to a destination whose TLS is mandatory — its
// destconfig setting (required, required-verify, required-verify-hosted), usable DANE records
// (RFC 7672 §2.2) or an enforced MTA-STS policy (RFC 8461 §5) — fails for a TLS reason (an
// RFC 8460 result type: STARTTLS missing, handshake, certificate, DANE, MTA-STS), a short
// message naming the domain, host, stage and reason is queued to the recipients. At most one
// per destination per interval (default an hour); an alert's own delivery never alerts. The
// alert goes with the null sender (RFC 5321 §4.5.5: a notification never bounces back) and
// Auto-Submitted (RFC 3834). The same recipients hear of trustpoint anchors expired or
// expiring within 30 days, at most once a day per anchor. Untrusted: the reason text is the remote server's or a
// certificate's words: control characters escaped, lines bounded (RFC 5322 §2.1.1).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mta/report/tls_outcome.h"
#include "mta/smtp/envelope.h"

namespace sealpost::mta {

// The spool's client field for alerts: a message with it is an alert.
inline constexpr std::string_view kAlertClient = "localhost[sealpost-alert]";

struct AlertSettings {
  std::vector<std::string> recipients;  // empty: no alerts
  std::uint32_t interval_seconds = 3600;
  std::string hostname;  // ours, for From and Message-ID
};

// A trust anchor near or past its end (tls/trust_store.h's trustpoints, as plain facts).
struct ExpiringAnchor {
  std::string trustpoint;  // NAME of trust/NAME.pem
  std::string subject;
  std::chrono::system_clock::time_point not_after;
};
inline constexpr auto kAnchorWarning = std::chrono::hours(24 * 30);  // as `sealpost check` warns
inline constexpr auto kAnchorAlertEvery = std::chrono::hours(24);

// The RFC 8460 result type of a TLS failure where TLS was mandatory; none otherwise.
std::optional<std::string> mandatory_tls_failure(const TlsOutcome& outcome);

class TlsAlerts {
 public:
  // The alert to queue for this attempt, or none: not a mandatory-TLS failure, alerts off,
  // or one about this destination was queued less than the interval ago.
  std::optional<Envelope> consider(const TlsOutcome& outcome, const AlertSettings& settings,
                                   std::chrono::system_clock::time_point now);
  // One alert listing the anchors (expired, or ending within kAnchorWarning) not alerted
  // about in the last kAnchorAlertEvery; none when there is no such anchor or alerts are off.
  std::optional<Envelope> consider_anchors(const std::vector<ExpiringAnchor>& anchors, const AlertSettings& settings,
                                           std::chrono::system_clock::time_point now);

 private:
  std::map<std::string, std::chrono::system_clock::time_point> last_;         // recipient domain → last alert
  std::map<std::string, std::chrono::system_clock::time_point> last_anchor_;  // trustpoint + subject → last alert
};

}  // namespace sealpost::mta
