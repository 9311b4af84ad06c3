// The TLS outcome record (DESIGN.md "Logs"): one per connection attempt, written by delivery
// and `sealpost tlsverify`, read by `sealpost report`. One JSON object per line; the field
// names are a contract with the report (README "TLS outcome log"). Values that came from the
// network (replies, certificate names) are escaped before they get here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "policy/tls_setting.h"
#include "policy/verification.h"

namespace sealpost::mta {

struct TlsOutcome {
  std::string time;              // RFC 3339, UTC
  std::string queue_id;          // empty for tlsverify and send
  std::string recipient_domain;
  std::string destconfig_entry;  // the key that matched ("default", ".example.com", …)
  policy::TlsSetting setting = policy::TlsSetting::kPreferred;
  std::string via;               // "mx" or "route"
  std::string host;
  std::string ip;
  std::uint16_t port = 0;
  // The last stage reached: connect, greeting, ehlo, starttls-offer, starttls-reply,
  // starttls-injection, handshake, chain, identity, auth, mail, rcpt, data, quit.
  std::string stage;
  // not-attempted (tls=no or a clear retry), not-offered, refused, injection, failed, ok, implicit
  std::string starttls = "not-attempted";
  std::string tls_version;
  std::string tls_cipher;
  bool tls_resumed = false;
  bool connection_reused = false;  // a parked connection carried this message (no new handshake)
  std::optional<policy::VerificationTrace> trace;
  bool fallback_plaintext = false;
  std::string result;  // sent, deferred, bounced, next-host, retry-in-clear, probed
  std::string status;  // enhanced status code, when there is one
  std::string reason;
};

std::string to_json_line(const TlsOutcome& outcome);

// "verified(hosted, route-host)", "encrypted, unverified", "encrypted", "none": the human
// log's tls= field.
std::string tls_summary(const TlsOutcome& outcome);

}  // namespace sealpost::mta
