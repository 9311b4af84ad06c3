// One SMTP client connection to one host (RFC 5321 §3–4, RFC 3207, RFC 4954, RFC 8314):
// greeting, EHLO (HELO when EHLO is refused), STARTTLS as the destination's TLS setting says
// with every failing stage decided by policy::decide (TLS-POLICY.md §7), EHLO again after TLS
// with everything learned in clear forgotten (RFC 3207 §4.2), verification of the chain and
// identity (§8–9), AUTH PLAIN/LOGIN only inside TLS, MAIL/RCPT/DATA with dot-stuffing,
// PIPELINING, SIZE, 8BITMIME, QUIT. A probe (no envelope) stops where mail would be sent.
// Untrusted: every reply. Timeouts: RFC 5321 §4.5.3.2.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asio/asio.h"
#include "mta/client/host_dane.h"
#include "mta/client/smtp_connection.h"
#include "mta/report/tls_outcome.h"
#include "mta/smtp/envelope.h"
#include "mta/smtp/log_sink.h"
#include "policy/delivery_facts.h"
#include "policy/route_destination.h"
#include "policy/stage_decision.h"
#include "tls/tls_client_channel.h"
#include "tls/trust_store.h"

namespace sealpost::mta {

// RFC 5321 §4.5.3.2 minimums; connect as Postfix's smtp_connect_timeout.
struct SmtpTimeouts {
  std::chrono::milliseconds connect{30'000};
  std::chrono::milliseconds greeting{300'000};
  std::chrono::milliseconds command{300'000};  // EHLO, STARTTLS, AUTH, MAIL, RCPT, QUIT
  std::chrono::milliseconds tls_handshake{60'000};
  std::chrono::milliseconds data_start{120'000};
  std::chrono::milliseconds data_block{180'000};
  std::chrono::milliseconds data_end{600'000};
};

// What the client knows before it connects: the host and how to reach it.
struct HostTarget {
  std::string host;  // MX or route host name (SNI, mx-host REF-ID); the address text for an IP
  boost::asio::ip::address address;
  std::uint16_t port = 25;
  bool implicit_tls = false;
  std::optional<policy::Credentials> credentials;
};

// Shared by the sessions of a delivery (and of a process): who we are, what we trust.
class ConnectionCache;

struct SessionContext {
  std::string helo_name = "localhost";
  ConnectionCache* connections = nullptr;  // connection reuse; nullptr: every session is new
  tls::TlsClientContext* tls = nullptr;
  const tls::TrustStore* trust = nullptr;
  std::chrono::system_clock::time_point validation_time;  // default: now, at verification
  // The time certificates are validated at: validation_time, or now when it is unset.
  std::chrono::system_clock::time_point verification_time() const {
    return validation_time == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now() : validation_time;
  }
  SmtpTimeouts timeouts;
  std::shared_ptr<LogSink> log;  // for `debug smtp` (the dialogue); may be null
};

struct SessionRequest {
  HostTarget target;
  policy::TlsSetting setting = policy::TlsSetting::kPreferred;
  policy::DeliveryFacts facts;          // recipient domain, MX host or route hosts; PTR filled below
  std::vector<policy::PtrFact> ptr;     // PTR names of target.address with their A/AAAA answers
  bool in_clear = false;                // the one clear retry after a failed handshake (§7)
  bool more_hosts = false;              // whether a TLS failure here leaves another host to try
  const Envelope* envelope = nullptr;   // nullptr: a probe (tlsverify)
  std::string reuse_key;                // connection_cache.h; empty: never reused
  std::uint32_t max_messages = 1;       // per connection (destconfig); 1: no reuse
  HostDane dane;                        // decided before connecting; kNone: the setting alone
  std::optional<policy::StsTrace> sts;  // MTA-STS on this host (delivery.h), the mx check done
};

enum class HostVerdict {
  kDone,          // the host answered every recipient (see recipients)
  kNextHost,      // this host failed; the next one may be tried
  kRetryInClear,  // TLS handshake failed under a preferred setting: retry once in clear
  kDefer,         // failed, and no host is left for a TLS reason (policy::Action::kDefer)
};

struct SessionResult {
  HostVerdict verdict = HostVerdict::kNextHost;
  TlsOutcome outcome;
  std::vector<RecipientResult> recipients;  // with kDone
  std::vector<tls::Certificate> chain;      // the server's chain, when TLS was established
  std::string status;                       // enhanced status code of the failure
  std::string reason;                       // why the host failed
};

boost::asio::awaitable<SessionResult> run_session(const SessionContext& context, SessionRequest request);

}  // namespace sealpost::mta
