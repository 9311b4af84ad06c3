// Delivery of one message (or a probe) to one destination (RFC 5321 §5.1, TLS-POLICY.md §5–7):
// the hosts come from the SMTP route, or from the MX lookup (null MX and "no such domain"
// bounce, a DNS failure defers); each host's addresses are tried in order; a TLS failure is
// decided by policy::decide — next host, one clear retry after a failed handshake under a
// preferred setting, or a deferral with the last host's reason once every host failed. The
// PTR names of each address (with their forward answers) are looked up for the REF-IDs.
// DANE (RFC 7672 §2.2): each host's DANE state before it is tried; a TLSA lookup failure or
// mandatory DANE without usable records skips the host with 4.7.5, never to clear text.
// MTA-STS (RFC 8461 §4–5): under an enforced policy a host outside the mx patterns is skipped
// when its turn comes (the MX list is not pre-filtered, §8.4), and TLS with a certificate for
// the MX host is required of the others; usable DANE on a host wins (§2).
// Every connection attempt leaves a TlsOutcome. Untrusted: DNS answers and server replies.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "asio/asio.h"
#include "dns/resolver.h"
#include "mta/client/smtp_session.h"
#include "policy/smtproutes.h"
#include "policy/sts_host.h"

namespace sealpost::mta {

inline constexpr std::size_t kMaxAddressesPerHost = 4;
inline constexpr std::size_t kMaxConnectionAttempts = 10;  // per delivery, as Postfix's smtp_mx_address_limit

struct DeliveryRequest {
  std::string recipient_domain;
  policy::TlsSetting setting = policy::TlsSetting::kPreferred;
  std::string destconfig_entry;
  std::optional<policy::SmtpRoute> route;         // absent: deliver by MX
  std::uint16_t mx_port = 25;                     // tests and tlsverify --port change it
  const Envelope* envelope = nullptr;             // nullptr: probe every host (tlsverify)
  std::uint32_t max_messages_per_connection = 1;  // destconfig; above 1, connections are reused
  // DANE (policy/dane.h): destconfig's dane and dane-insecure-mx, and whether [dns] dnssec
  // trusts the resolver's AD bit. Each host's TLSA is looked up just before it is tried.
  policy::DaneMode dane = policy::DaneMode::kOff;
  policy::DaneInsecureMx dane_insecure_mx = policy::DaneInsecureMx::kDane;
  bool dnssec_trusted = false;
  // MTA-STS (policy/sts_host.h): the recipient domain's policy in force, found by the caller
  // (mta/queue keeps the cache); applied to each MX host that DANE does not decide. Never set
  // for a route that names its hosts.
  std::optional<policy::StsInForce> sts;
  // RFC 8460 §3: where the recipient domain wants TLS reports (its _smtp._tls rua URIs), copied
  // into every outcome record for `sealpost report --tlsrpt`.
  std::vector<std::string> tlsrpt_rua;
};

struct DeliveryResult {
  std::vector<SessionResult> attempts;      // one per connection, in order
  std::vector<RecipientResult> recipients;  // the final word per recipient (empty for a probe)
  std::string reason;                       // when no host took the message
};

// Each outcome as it happens (for the outcome log); may be empty.
using OutcomeSink = std::function<void(const TlsOutcome&)>;

boost::asio::awaitable<DeliveryResult> deliver(const SessionContext& context, dns::Resolver& resolver, DeliveryRequest request,
                                               OutcomeSink sink = {});

}  // namespace sealpost::mta
