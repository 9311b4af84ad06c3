// The TLS outcome record (DESIGN.md "Logs"): one per connection attempt, written by delivery
// and `sealpost tlsverify`, read by `sealpost report`. One JSON object per line; the field
// names are a contract with the report (README "TLS outcome log"). Values that came from the
// network (replies, certificate names) are escaped before they get here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/dane.h"
#include "policy/stage_decision.h"
#include "policy/sts_host.h"
#include "policy/tls_setting.h"
#include "policy/verification.h"

namespace sealpost::mta {

// The last stage a connection reached (its JSON name in the comment). The TLS stages are
// policy::Stage's, in the same words.
enum class OutcomeStage {
  kConnect,            // connect
  kGreeting,           // greeting
  kEhlo,               // ehlo
  kStarttlsOffer,      // starttls-offer
  kStarttlsReply,      // starttls-reply
  kStarttlsInjection,  // starttls-injection
  kHandshake,          // handshake
  kChain,              // chain
  kIdentity,           // identity
  kTlsaLookup,         // tlsa-lookup: DANE refused the host before connecting (policy::Stage)
  kDane,               // dane: the TLSA records were matched against the chain
  kStsMx,              // sts-mx: the MTA-STS policy's mx patterns refused the host before connecting
  kSts,                // sts: the MTA-STS certificate check (chain, a DNS-ID naming the MX host)
  kAuth,               // auth
  kMail,               // mail
  kRcpt,               // rcpt
  kData,               // data
  kQuit,               // quit
};

// What became of STARTTLS on the connection.
enum class StartTls {
  kNotAttempted,  // not-attempted: tls=no, or the clear retry after a failed handshake
  kNotOffered,    // not-offered
  kRefused,       // refused: answered with anything but 220
  kInjection,     // injection: bytes after the 220 before the handshake
  kFailed,        // failed: the handshake failed
  kOk,            // ok
  kImplicit,      // implicit: TLS from the first byte (port 465, RFC 8314)
};

// What the attempt amounted to.
enum class OutcomeResult {
  kSent,          // sent
  kDeferred,      // deferred
  kBounced,       // bounced
  kNextHost,      // next-host: this host failed, another was tried
  kRetryInClear,  // retry-in-clear
  kProbed,        // probed: tlsverify, no mail
};

std::string_view to_string(OutcomeStage stage);
std::string_view to_string(StartTls starttls);
std::string_view to_string(OutcomeResult result);
std::optional<OutcomeStage> parse_outcome_stage(std::string_view text);
std::optional<StartTls> parse_starttls(std::string_view text);
std::optional<OutcomeResult> parse_outcome_result(std::string_view text);
OutcomeStage outcome_stage(policy::Stage stage);
// Against a JSON name: test tables and data files are written in those names.
inline bool operator==(OutcomeStage e, std::string_view name) { return to_string(e) == name; }
inline bool operator==(StartTls e, std::string_view name) { return to_string(e) == name; }
inline bool operator==(OutcomeResult e, std::string_view name) { return to_string(e) == name; }
// Sent or probed: the connection did what it was for.
inline bool delivered(OutcomeResult r) { return r == OutcomeResult::kSent || r == OutcomeResult::kProbed; }

struct TlsOutcome {
  std::string time;      // RFC 3339, UTC
  std::string queue_id;  // empty for tlsverify and send
  std::string recipient_domain;
  std::string destconfig_entry;  // the key that matched ("default", ".example.com", …)
  policy::TlsSetting setting = policy::TlsSetting::kPreferred;
  std::string via;  // "mx" or "route"
  std::string host;
  std::string ip;
  std::uint16_t port = 0;
  OutcomeStage stage = OutcomeStage::kConnect;
  StartTls starttls = StartTls::kNotAttempted;
  std::string tls_version;
  std::string tls_cipher;
  std::string tls_key_exchange;  // the group, "x25519/ML-KEM-768"; written only when known
  bool tls_resumed = false;
  bool connection_reused = false;  // a parked connection carried this message (no new handshake)
  // Written whole; read back (outcome_reader.h) without the comparisons, matched pair and
  // verdict, which only people read.
  std::optional<policy::VerificationTrace> trace;
  // Whenever DANE was considered for the host (policy/dane.h): written only then.
  std::optional<policy::DaneTrace> dane;
  // Whenever an MTA-STS policy applied to the recipient domain (policy/sts_host.h).
  std::optional<policy::StsTrace> mta_sts;
  // The recipient domain's TLS-RPT rua URIs (RFC 8460 §3), when it publishes them.
  std::vector<std::string> tlsrpt_rua;
  bool fallback_plaintext = false;
  OutcomeResult result = OutcomeResult::kDeferred;
  std::string status;  // enhanced status code, when there is one
  std::string reason;
};

std::string to_json_line(const TlsOutcome& outcome);

// What a message carried by a parked connection inherits from the outcome that opened it:
// STARTTLS, version, cipher, key exchange, resumed.
void take_tls_session(TlsOutcome& to, const TlsOutcome& from);
bool encrypted(const TlsOutcome& outcome);  // a TLS version was negotiated

// "verified(hosted, route-host)", "dane-verified(dane-ee)", "dane-verified(dane-ta:mx-host,
// half)", "dane-encrypt", "encrypted, unverified", "encrypted", "none": the human log's tls=
// field (Postfix 3.11 logs tls=dane, tls=dane:halfdane, tls=dane:encrypt).
std::string tls_summary(const TlsOutcome& outcome);

}  // namespace sealpost::mta
