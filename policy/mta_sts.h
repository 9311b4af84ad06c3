// MTA-STS (RFC 8461) as data: the `_mta-sts` TXT record (§3.1), the policy file (§3.2) and
// MX pattern matching (§4.1); DANE-MTA-STS.md §2 rules 2, 4 and 6. Pure: the TXT strings and
// the HTTPS body are handed in by dns/ and the fetcher. Untrusted: both, every byte. Limits:
// an `id` of 1–32 letters and digits, `max_age` at most 31557600 s, a policy body at most
// 64 KiB, at most kMaxStsMxPatterns patterns; anything else is an error with its reason and
// line, never a default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/result.h"

namespace sealpost::policy {

inline constexpr std::uint32_t kMaxStsMaxAge = 31'557'600;  // RFC 8461 §3.2 (about a year)
inline constexpr std::size_t kMaxStsPolicyOctets = 65'536;  // RFC 8461 §3.3: senders may limit the body
inline constexpr std::size_t kMaxStsIdLength = 32;          // RFC 8461 §3.1
inline constexpr std::size_t kMaxStsMxPatterns = 64;        // ours: no receiver needs more

enum class StsMode { kEnforce, kTesting, kNone };
std::string_view to_string(StsMode mode);  // "enforce", "testing", "none"
std::optional<StsMode> parse_sts_mode(std::string_view text);

// What `_mta-sts.DOMAIN` announces.
struct StsTxt {
  std::string id;
};

// RFC 8461 §3.1: `records` are the TXT records at _mta-sts.DOMAIN, each the concatenation of
// its strings. Records that do not begin with "v=STSv1" are discarded; none left: nullopt (no
// policy announced); more than one, or one that is malformed: an error (no live policy, the
// cache stays: DANE-MTA-STS.md §2 rule 2).
Result<std::optional<StsTxt>> parse_sts_txt(const std::vector<std::string>& records);

struct StsPolicy {
  StsMode mode = StsMode::kNone;
  std::uint32_t max_age = 0;
  std::vector<std::string> mx;     // lowercase patterns, "*.example.net" or "mx.example.net"
  std::vector<std::string> lines;  // the policy's lines as received, for the TLS-RPT policy-string
};

// RFC 8461 §3.2: `key: value` lines separated by LF or CRLF; `version: STSv1`, `mode` and
// `max_age` required, `mx` at least once unless the mode is none; the first of a repeated key
// other than `mx` wins; unknown keys are ignored. Errors name the line.
Result<StsPolicy> parse_sts_policy(std::string_view text);

// RFC 8461 §4.1: the MX host name against one pattern, case-insensitively and without a
// trailing dot; "*.example.net" covers exactly one more label ("a.example.net", not
// "example.net" nor "a.b.example.net").
bool sts_mx_matches(std::string_view pattern, std::string_view host);
bool sts_mx_allowed(const StsPolicy& policy, std::string_view host);

}  // namespace sealpost::policy
