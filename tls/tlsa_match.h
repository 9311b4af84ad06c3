// DANE TLSA matching for SMTP (RFC 7672 §3.1–3.2, RFC 6698 §2.1, RFC 7671 §5, §9;
// shared/spec/DANE-MTA-STS.md §1 rules 7–10): which records are usable, and whether the
// presented chain matches one. DANE-EE(3): the leaf alone, with no name, validity or chain
// check. DANE-TA(2): a certificate of the presented chain (or the record's own certificate,
// for "2 0 0") is the anchor, and the path from the leaf up to it is checked by our chain
// validator (signatures, CA flags, validity); the name check against the DANE REF-IDs is
// policy's, after this. Untrusted: TLSA records (from DNS) and the peer's chain.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/result.h"
#include "tls/certificate.h"

namespace sealpost::tls {

// A TLSA record's RDATA (RFC 6698 §2.1); dns/ parses it, mta/ hands it over.
struct TlsaRecord {
  std::uint8_t usage = 0;          // 2 DANE-TA, 3 DANE-EE; 0 and 1 are unusable for SMTP
  std::uint8_t selector = 0;       // 0 full certificate, 1 SubjectPublicKeyInfo
  std::uint8_t matching_type = 0;  // 0 exact, 1 SHA-256, 2 SHA-512
  std::vector<std::uint8_t> data;
  bool operator==(const TlsaRecord&) const = default;
};

std::string to_string(const TlsaRecord& record);  // "3 1 1 ABCD…" (data in upper-case hex)
// The presentation form (RFC 6698 §2.2: "3 1 1 abcd…", the hex may hold spaces), as dig and
// ldns-dane print it; for `tlsverify --offline --tlsa`. Errors name what is wrong.
Result<TlsaRecord> parse_tlsa_record(std::string_view text);

// Why a record is unusable (RFC 7672 §3.1.3: usages 0 and 1; unknown selectors and matching
// types; a digest of the wrong length), or nothing when it is usable.
std::optional<std::string> unusable(const TlsaRecord& record);

// The usable records, keeping for each (usage, selector) only the strongest digest present
// (RFC 7671 §9, RFC 7672 §5): SHA-512 over SHA-256; exact matches are always kept.
std::vector<TlsaRecord> usable_records(const std::vector<TlsaRecord>& records);

struct TlsaMatch {
  bool matched = false;              // a record matched and, for DANE-TA, the path to it is valid
  std::optional<TlsaRecord> record;  // the record that matched
  int depth = -1;                    // where in the presented chain (0 the leaf); DANE-TA "2 0 0"
                                     // with its anchor absent: one past the presented chain
  std::string reason;                // why not, or which record matched at which depth
};

// `usable` as usable_records returns them; `at` is the validation time for DANE-TA paths.
TlsaMatch match_tlsa(const std::vector<TlsaRecord>& usable, const std::vector<Certificate>& chain,
                     std::chrono::system_clock::time_point at);

}  // namespace sealpost::tls
