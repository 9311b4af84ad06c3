// MTA-STS applied to one MX host (RFC 8461 §4–5, §8.4; DANE-MTA-STS.md §0 and §2 rules 6–9):
// the destconfig switch, whether a cached policy is enforced, the host's MX-pattern check,
// the certificate check (a DNS-ID equal to the MX host name, never the CN), and the record of
// what was checked for the trace, the outcome log and TLS-RPT. Pure: the policy, the host
// name and the presented names are handed in. Untrusted: the policy (already parsed) and the
// presented names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/mta_sts.h"
#include "policy/presented_id.h"

namespace sealpost::policy {

// destconfig `mta-sts` (DANE-MTA-STS.md §0): off, on (a `testing` policy is only recorded), or
// enforce-testing (a `testing` policy is enforced too, postfix-mta-sts-resolver's strict_testing).
enum class StsSetting { kOff, kOn, kEnforceTesting };
std::string_view to_string(StsSetting setting);  // "off", "on", "enforce-testing"
std::optional<StsSetting> parse_sts_setting(std::string_view text);
inline constexpr std::string_view kStsSettingWords = "off, on, enforce-testing";

// The policy that applies to a delivery, from the cache or a fetch (sts_cache.h decides which).
struct StsInForce {
  std::string domain;  // the Policy Domain: the recipient domain (§3.4)
  std::string id;      // the TXT id the policy was fetched under
  StsPolicy policy;
  std::int64_t fetched_at = 0;
  bool enforce = false;    // mode enforce, or testing under enforce-testing
  std::string origin;      // "cache" or "fetch"; "none": no policy applies, the fetch failed
  std::string fetch_note;  // a failed refetch or TXT problem the cached policy survived
  // RFC 8460 §4.3.2.2 when the fetch failed: sts-policy-fetch-error, sts-policy-invalid or
  // sts-webpki-invalid (the TLS-RPT result type), else empty.
  std::string fetch_failure;
};

// Whether the policy is enforced under this switch (rule 8): enforce always, testing only with
// enforce-testing, none never.
bool sts_enforced(StsMode mode, StsSetting setting);

// What became of the policy on one host (rules 6–9).
enum class StsResult {
  kNotEvaluated,  // not-evaluated: DANE usable on the host decides (rule 9), or no check was reached
  kVerified,      // verified: the pattern, STARTTLS, the chain and the MX name all passed
  kMxMismatch,    // mx-mismatch: no mx pattern covers the host (checked before connecting)
  kStarttls,      // starttls: no TLS session (not offered, refused, handshake failed)
  kCertificate,   // certificate: the chain is not trusted, or no DNS-ID names the MX host
};
std::string_view to_string(StsResult result);
std::optional<StsResult> parse_sts_result(std::string_view text);

// The outcome record's `mta_sts` object.
struct StsTrace {
  std::string policy_domain;
  std::string id;
  StsMode mode = StsMode::kNone;
  std::vector<std::string> mx;     // the policy's patterns
  std::vector<std::string> lines;  // the policy as received (TLS-RPT policy-string); not written to the log
  bool enforced = false;
  bool dane_decides = false;  // usable TLSA on the host: STS is not evaluated (rule 9)
  bool mx_matched = false;
  std::string matched_pattern;
  StsResult result = StsResult::kNotEvaluated;
  std::string reason;          // why the host failed the policy (or would have, under testing)
  std::int64_t cache_age = 0;  // seconds since the policy was fetched
  std::string origin;          // "cache", "fetch", or "none" (no policy: the fetch failed)
  std::string fetch_note;
  std::string fetch_failure;  // as StsInForce's
};

// The host's trace before it is connected to: the MX pattern check (rule 6; an IP literal
// never matches). `now` in seconds since the epoch. With origin "none" nothing is checked:
// the trace only records the failed fetch.
StsTrace start_sts_trace(const StsInForce& in_force, std::string_view mx_host, std::int64_t now);

// Rule 7 on a host whose TLS session is up: the chain and then the MX name decide the trace's
// result (verified or certificate) and reason. Returns whether it passed.
struct ChainResult;
bool record_sts_certificate(StsTrace& trace, const ChainResult& chain, const std::vector<PresentedId>& presented,
                            std::string_view mx_host);

// Rule 7: the leaf's DNS-IDs against the MX host (`*` only as the whole left-most label; CN-IDs
// never count). Empty when one matches, else why not ("the certificate names a, b, not HOST").
std::string sts_name_problem(const std::vector<PresentedId>& presented, std::string_view host);

}  // namespace sealpost::policy
