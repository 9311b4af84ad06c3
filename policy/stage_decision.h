// The per-stage decision table of TLS-POLICY.md §6–7: given a destination's TLS setting and a
// TLS stage that failed on one host, what the SMTP client does next, with the reason and the
// RFC 3463 enhanced status code. Fail-closed: nothing here ever continues in clear text on a
// connection where STARTTLS was answered 220 (RFC 3207 §4.1, §5).
#pragma once

#include <cstdint>
#include <string>

#include "policy/dane.h"
#include "policy/tls_setting.h"

namespace sealpost::policy {

enum class Stage {
  kStarttlsOffer,      // STARTTLS not in the EHLO reply
  kStarttlsReply,      // STARTTLS answered with anything but 220
  kStarttlsInjection,  // bytes after the 220 before the handshake
  kHandshake,          // TLS handshake failed after the 220
  kChain,              // chain not anchored / expired / bad signature
  kIdentity,           // no REF-ID matched
  kTlsaLookup,         // before connecting: the host's DANE state (tempfail, dane-required)
  kDane,               // no usable TLSA record matched the presented chain
  kStsMx,              // before connecting: no mx pattern of the MTA-STS policy covers the host
  kSts,                // the MTA-STS certificate check: chain trusted, a DNS-ID naming the MX host
};

enum class Action {
  kContinue,         // go on, encrypted, on this connection
  kContinueInClear,  // go on in clear text on this connection
  kRetryInClear,     // this connection is dead; retry this host once in clear on a new one
  kNextHost,         // QUIT/abort; this host failed; try the next host
  kDefer,            // this host failed and no host is left: defer the message (4xx)
};

struct StageFailure {
  Stage stage;
  std::string host;    // e.g. "mx1.example.com"
  std::string ip;      // e.g. "192.0.2.1"
  std::string detail;  // e.g. the server's reply, Botan's alert, the chain error
  bool more_hosts = false;
  std::uint16_t port = 0;  // named in DANE reasons ("TLSA lookup error for HOST[IP]:PORT"); 0: left out
};

struct Decision {
  Action action;
  std::string status;               // enhanced status code when the host failed ("4.7.4"), else empty
  std::string reason;               // one line, naming the host
  bool fallback_plaintext = false;  // the outcome log's `fallback=plaintext`
};

Decision decide(TlsSetting setting, const StageFailure& failure);

// The same with the host's DANE state (DANE-MTA-STS.md §0): tempfail and dane-required skip
// the host at kTlsaLookup; usable and unusable make TLS mandatory on the host (no clear text,
// no clear retry); usable replaces the chain and identity rules by kDane; unusable keeps them
// as the setting says. tls = no ignores DANE. kTlsaLookup is a failure only for tempfail and
// dane-required: for the other states the host may be tried (kContinue).
Decision decide(TlsSetting setting, DaneState dane, const StageFailure& failure);

// The same with MTA-STS (RFC 8461 §5, DANE-MTA-STS.md §0 and §2 rule 8) when `sts_enforce`: the
// host's policy is enforced, so TLS is mandatory on it (the rows of `required`, no clear
// retry) and kStsMx or kSts fail the host like an unreachable one (next MX, else a 4.7.5
// deferral); the setting's own chain and identity rules still apply (with required-verify*
// both must pass). Without enforcement (a `testing` policy) kStsMx and kSts only note what
// would have failed. The caller leaves sts_enforce false on a host with usable DANE (§2 rule 9).
Decision decide(TlsSetting setting, DaneState dane, bool sts_enforce, const StageFailure& failure);

// Whether TLS is mandatory on the host (DANE-MTA-STS.md §0): the setting requires it, DANE found
// TLSA records (usable or not), or an MTA-STS policy is enforced there.
bool tls_mandatory(TlsSetting setting, DaneState dane, bool sts_enforce);

// The deferral at queue expiry turns into a bounce with the same reason, class 5 (§7):
// "4.7.5 certificate identity did not match: …" → "5.7.5 …".
std::string permanent_status(const std::string& status);

std::string_view to_string(Stage stage);
std::string_view to_string(Action action);

}  // namespace sealpost::policy
