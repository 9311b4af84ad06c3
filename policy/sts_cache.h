// When to use a cached MTA-STS policy, when to fetch one, and when there is none (RFC 8461
// §3.3, §5.1; DANE-MTA-STS.md §2 rules 2, 3 and 5). Pure: the caller says what the TXT lookup
// gave and what the cache holds; times are seconds since the epoch, handed in. The rules that
// users met as bugs elsewhere: seeing the same `id` does not extend a policy (smtp-sts#93,
// resolver#113); a vanished TXT record does not evict it; a failed refetch keeps it until it
// expires; after a failed fetch the same `id` is not fetched again for five minutes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "policy/result.h"

namespace sealpost::policy {

inline constexpr std::int64_t kStsRetryAfterFailure = 300;   // seconds (DANE-MTA-STS.md §2 rule 3)
inline constexpr std::int64_t kStsRefreshAhead = 24 * 3600;  // refresh a policy this long before it expires
inline constexpr std::int64_t kStsRefreshEvery = 24 * 3600;  // RFC 8461 §5.1: "once per day"

// What the cache holds for a domain (as persisted under SPOOL/mta-sts/).
struct StsCacheEntry {
  std::string id;      // the TXT id the policy was fetched under
  std::string policy;  // the policy text, as fetched
  std::int64_t fetched_at = 0;
  std::uint32_t max_age = 0;  // from the policy
  std::string failed_id;      // the id whose last fetch failed, and when
  std::int64_t failed_at = 0;

  bool valid_at(std::int64_t now) const { return now < fetched_at + static_cast<std::int64_t>(max_age); }
};

// What `_mta-sts.DOMAIN` said (policy/mta_sts.h parse_sts_txt and the DNS status together).
enum class StsTxtAnswer {
  kFound,     // one valid v=STSv1 record, with an id
  kNone,      // no v=STSv1 record (or NXDOMAIN)
  kInvalid,   // several, or a malformed one
  kDnsError,  // SERVFAIL, timeout: nothing is known
};

enum class StsAction {
  kUseCached,  // apply the cached policy
  kFetch,      // fetch the policy now; on failure, fall back to `fallback`
  kNoPolicy,   // no policy applies
};

struct StsPlan {
  StsAction action = StsAction::kNoPolicy;
  // With kFetch: what applies if the fetch fails (kUseCached while the cache is valid).
  StsAction fallback = StsAction::kNoPolicy;
  bool refresh_soon = false;  // kUseCached close to expiry: refresh in the background
  std::string reason;         // one line for the trace
};

// The entry as a file (SPOOL/mta-sts/DOMAIN): a first line "sealpost-mta-sts 1", then
// `id:`, `fetched:`, `max_age:`, `failed_id:`, `failed_at:` lines, a blank line, and the policy
// text as fetched. parse() names what is wrong; a damaged file is no cache, never a crash.
std::string serialize_sts_cache_entry(const StsCacheEntry& entry);
Result<StsCacheEntry> parse_sts_cache_entry(std::string_view text);

StsPlan plan_sts(const std::optional<StsCacheEntry>& cached, StsTxtAnswer txt, const std::string& txt_id, std::int64_t now);

// The entry after a fetch under `txt_id` (RFC 8461 §5.1): with `fetched` (a valid policy) the
// new policy, fetched now, the failure memory cleared; without, the old entry kept as it was
// with the failure remembered for rule 3's five minutes. Nothing when there is nothing to keep.
struct StsFetched {
  std::string policy;
  std::uint32_t max_age = 0;
};
std::optional<StsCacheEntry> after_sts_fetch(const std::optional<StsCacheEntry>& cached, const std::string& txt_id,
                                             const std::optional<StsFetched>& fetched, std::int64_t now);

// Whether the background refresh (rule 5: daily, with jitter; before expiry) fetches the
// policy again now: once it is a day old, or half its max_age when that is shorter, plus
// `jitter` seconds (the caller spreads domains over up to an hour); not within five minutes
// of a failed fetch.
bool sts_refresh_due(const StsCacheEntry& entry, std::int64_t now, std::int64_t jitter);

std::string_view to_string(StsAction action);     // "use-cached", "fetch", "no-policy"
std::string_view to_string(StsTxtAnswer answer);  // "found", "none", "invalid", "dns-error"

}  // namespace sealpost::policy
