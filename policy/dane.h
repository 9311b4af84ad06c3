// DANE for SMTP (RFC 7672; shared/spec/DANE-MTA-STS.md §0–§1): the destconfig switches, the
// per-host DANE state computed from what DNS said (secure or not, TLSA found or not, usable or
// not), the name check of DANE-TA (RFC 7672 §3.2.2–3.2.3) and the trace a DANE decision leaves.
// Pure: dns/ gathers the facts, tls/ matches the records, mta/ composes. Untrusted: the DNS
// facts and the certificate names handed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/identity_match.h"
#include "policy/presented_id.h"
#include "policy/tls_setting.h"

namespace sealpost::policy {

// destconfig `dane`: RFC 7672 §2.2 opportunistic DANE, §6 mandatory DANE.
enum class DaneMode { kOff, kOpportunistic, kMandatory };
// destconfig `dane-insecure-mx` (rule 3): DANE for a secure host below an insecure MX RRset
// ("dane", Postfix's default, logged dane(half)) or not ("skip", the strict reading).
enum class DaneInsecureMx { kDane, kSkip };

// The state of one host (§0 table), and the case `mandatory` adds: no usable TLSA.
enum class DaneState {
  kNone,      // none: no DANE here (off, insecure, no TLSA); the ESA setting applies unchanged
  kTempfail,  // tempfail: a TLSA or address lookup failed (SERVFAIL, bogus, timeout): skip host
  kUsable,    // usable: TLS required and a TLSA match; replaces the chain and identity rules
  kUnusable,  // unusable: records exist, none usable: TLS required, unauthenticated
  kRequired,  // dane-required: `mandatory` and no usable TLSA (§6): skip host
};

// What a TLSA lookup said (RFC 7672 §2.1.1 classes).
enum class TlsaAnswer {
  kNotLooked,    // not-looked-up: the host's addresses are not secure, so no TLSA query (§2.2.2)
  kFailed,       // failed: SERVFAIL, REFUSED, timeout (also of a secure host's address lookup)
  kInsecure,     // insecure: AD=0, ignored (rule 6)
  kSecureEmpty,  // secure-empty: authenticated NODATA or NXDOMAIN
  kSecureFound,  // secure: authenticated TLSA records
};

std::string_view to_string(DaneMode mode);
std::string_view to_string(DaneInsecureMx value);
std::string_view to_string(DaneState state);
std::string_view to_string(TlsaAnswer answer);
std::optional<DaneMode> parse_dane_mode(std::string_view text);
std::optional<DaneInsecureMx> parse_dane_insecure_mx(std::string_view text);
std::optional<DaneState> parse_dane_state(std::string_view text);
std::optional<TlsaAnswer> parse_tlsa_answer(std::string_view text);
inline constexpr std::string_view kDaneModeWords = "off, opportunistic, mandatory";
inline constexpr std::string_view kDaneInsecureMxWords = "dane, skip";

struct DaneFacts {
  TlsSetting setting = TlsSetting::kPreferred;  // tls = no switches DANE off (§0)
  DaneMode mode = DaneMode::kOpportunistic;
  DaneInsecureMx insecure_mx = DaneInsecureMx::kDane;
  bool dnssec_trusted = false;  // [dns] dnssec = "trust-ad" (rule 1)
  bool mx_secure = false;       // the MX RRset was authenticated; a route host is secure a priori
  TlsaAnswer tlsa = TlsaAnswer::kNotLooked;
  std::size_t usable_records = 0;  // of the TLSA records found (tls::usable_records)
  std::string detail;              // the lookup's own words: why it failed, or what it found
};

// The reason says what DANE rests on ("no TLSA records: …", "SERVFAIL …"); the decisions of
// stage_decision.h put it after "TLSA lookup error for HOST" or "DANE is required, but HOST …".
struct DaneVerdict {
  DaneState state = DaneState::kNone;
  bool half = false;   // DANE below an insecure MX RRset (dane-insecure-mx = dane)
  std::string reason;  // one line for the trace and the log
};

DaneVerdict dane_state(const DaneFacts& facts);
// Why DANE cannot apply whatever DNS says (tls = no, dane = off, no trusted resolver, an
// unsigned MX RRset under dane-insecure-mx = skip), or nothing: then a TLSA lookup is needed.
std::optional<std::string> dane_inapplicable(const DaneFacts& facts);

// DANE-TA's name check (RFC 7672 §3.2.2–3.2.3): the leaf's DNS-IDs (its CN-IDs only when it
// has no DNS-ID; `*` as a whole left-most label only) against the TLSA base domain, the MX
// host name before CNAME expansion when it differs, and the recipient domain, in that order.
// Rules "dane-ta:tlsa-base", "dane-ta:mx-host", "dane-ta:recipient-domain".
struct DaneNames {
  std::string tlsa_base;
  std::string mx_host;  // the name the MX record (or route) gave
  std::string recipient_domain;
};
IdentityResult match_dane_names(const std::vector<PresentedId>& presented, const DaneNames& names);

// What a DANE decision rested on, for the trace, the outcome record and the report.
struct DaneTrace {
  DaneState state = DaneState::kNone;
  bool mx_secure = false;
  bool half = false;
  std::string tlsa_base;
  TlsaAnswer tlsa = TlsaAnswer::kNotLooked;
  std::vector<std::string> records;   // every TLSA record found, "3 1 1 HEX"
  std::vector<std::string> unusable;  // "RECORD: why", for the records left out
  std::string matched;                // the record that matched, empty when none did
  int depth = -1;                     // where in the presented chain it matched
  std::string rule;                   // "dane-ee" or "dane-ta:…" once verified
  bool verified = false;
  std::string reason;
};

}  // namespace sealpost::policy
