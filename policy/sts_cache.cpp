// See sts_cache.h. Each branch names the rule it implements.
#include "policy/sts_cache.h"

#include <algorithm>

#include "policy/mta_sts.h"

namespace sealpost::policy {
namespace {

StsPlan cached_or_none(const std::optional<StsCacheEntry>& c, std::int64_t now, const std::string& why) {
  if (c && c->valid_at(now)) {
    const bool soon = c->fetched_at + static_cast<std::int64_t>(c->max_age) - now <= kStsRefreshAhead;
    return {.action = StsAction::kUseCached,
            .fallback = StsAction::kUseCached,
            .refresh_soon = soon,
            .reason = why + "; the cached policy (id " + c->id + ") applies until it expires"};
  }
  return {.action = StsAction::kNoPolicy,
          .fallback = StsAction::kNoPolicy,
          .refresh_soon = false,
          .reason = why + "; no cached policy"};
}

}  // namespace

StsPlan plan_sts(const std::optional<StsCacheEntry>& c, StsTxtAnswer txt, const std::string& txt_id, std::int64_t now) {
  switch (txt) {
    // §3.1: without a (valid) TXT record there is no *new* policy; §5.1: a cached one is kept
    // until it expires, and a DNS error must not turn enforce into nothing (rule 2, decision).
    case StsTxtAnswer::kNone: return cached_or_none(c, now, "no _mta-sts TXT record");
    case StsTxtAnswer::kInvalid: return cached_or_none(c, now, "the _mta-sts TXT record is invalid");
    case StsTxtAnswer::kDnsError: return cached_or_none(c, now, "the _mta-sts TXT lookup failed");
    case StsTxtAnswer::kFound: break;
  }
  const bool valid = c && c->valid_at(now);
  if (valid && c->id == txt_id) {
    // §3.3: the same id means the same policy; it does not extend max_age (smtp-sts#93).
    StsPlan p = cached_or_none(c, now, "id " + txt_id + " unchanged");
    if (p.refresh_soon) p.reason += "; refreshing before it expires";
    return p;
  }
  // A new id, an expired policy or none: fetch, unless this id failed a moment ago (rule 3).
  if (c && c->failed_id == txt_id && now - c->failed_at < kStsRetryAfterFailure) {
    return cached_or_none(c, now, "the fetch for id " + txt_id + " failed less than 5 minutes ago");
  }
  const StsAction fallback = valid ? StsAction::kUseCached : StsAction::kNoPolicy;
  std::string why = !c ? "no cached policy" : !valid ? "the cached policy expired" : "id changed from " + c->id + " to " + txt_id;
  return {.action = StsAction::kFetch,
          .fallback = fallback,
          .refresh_soon = false,
          .reason = why + "; fetching" + (valid ? " (the cached policy applies if that fails)" : "")};
}

std::optional<StsCacheEntry> after_sts_fetch(const std::optional<StsCacheEntry>& cached, const std::string& txt_id,
                                             const std::optional<StsFetched>& fetched, std::int64_t now) {
  if (fetched) {
    return StsCacheEntry{
        .id = txt_id, .policy = fetched->policy, .fetched_at = now, .max_age = fetched->max_age, .failed_id = {}, .failed_at = 0};
  }
  if (!cached) return std::nullopt;
  StsCacheEntry e = *cached;
  e.failed_id = txt_id;
  e.failed_at = now;
  return e;
}

bool sts_refresh_due(const StsCacheEntry& e, std::int64_t now, std::int64_t jitter) {
  if (!e.failed_id.empty() && now - e.failed_at < kStsRetryAfterFailure) return false;
  const std::int64_t every = std::min<std::int64_t>(kStsRefreshEvery, e.max_age / 2);
  return now >= e.fetched_at + every + std::clamp<std::int64_t>(jitter, 0, e.max_age / 10);
}

namespace {

constexpr std::string_view kCacheMagic = "sealpost-mta-sts 1";

Result<std::int64_t> number_field(std::string_view value, std::string_view key) {
  if (value.empty() || value.size() > 18 ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Error{"'" + std::string(key) + "' is not a number"};
  }
  return std::stoll(std::string(value));
}

}  // namespace

std::string serialize_sts_cache_entry(const StsCacheEntry& e) {
  return std::string(kCacheMagic) + "\nid: " + e.id + "\nfetched: " + std::to_string(e.fetched_at) +
         "\nmax_age: " + std::to_string(e.max_age) + "\nfailed_id: " + e.failed_id +
         "\nfailed_at: " + std::to_string(e.failed_at) + "\n\n" + e.policy;
}

Result<StsCacheEntry> parse_sts_cache_entry(std::string_view text) {
  const std::size_t end = text.find("\n\n");
  if (!text.starts_with(kCacheMagic) || end == std::string_view::npos) return Error{"not a sealpost MTA-STS cache file"};
  StsCacheEntry e;
  e.policy = std::string(text.substr(end + 2));
  std::string_view head = text.substr(0, end);
  head.remove_prefix(std::min(head.size(), kCacheMagic.size() + 1));
  bool seen_id = false, seen_fetched = false, seen_max_age = false;
  while (!head.empty()) {
    const std::size_t lf = std::min(head.find('\n'), head.size());
    const std::string_view line = head.substr(0, lf);
    head.remove_prefix(std::min(head.size(), lf + 1));
    const std::size_t colon = line.find(": ");
    const std::string_view key = line.substr(0, colon);
    const std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 2);
    if (colon == std::string_view::npos && !line.ends_with(":"))
      return Error{"line '" + std::string(line.substr(0, 40)) + "' is not 'key: value'"};
    if (key == "id" || key == "failed_id") {
      if (value.size() > kMaxStsIdLength) return Error{"'" + std::string(key) + "' is too long"};
      (key == "id" ? e.id : e.failed_id) = std::string(value);
      seen_id = seen_id || key == "id";
      continue;
    }
    if (key == "fetched" || key == "failed_at" || key == "max_age") {
      auto n = number_field(value, key);
      if (!n) return n.error();
      if (key == "fetched") e.fetched_at = *n, seen_fetched = true;
      if (key == "failed_at") e.failed_at = *n;
      if (key == "max_age") {
        if (*n > kMaxStsMaxAge) return Error{"'max_age' is over a year"};
        e.max_age = static_cast<std::uint32_t>(*n), seen_max_age = true;
      }
      continue;
    }
    return Error{"unknown key '" + std::string(key.substr(0, 40)) + "'"};
  }
  if (!seen_id || !seen_fetched || !seen_max_age) return Error{"id, fetched or max_age is missing"};
  return e;
}

std::string_view to_string(StsTxtAnswer answer) {
  switch (answer) {
    case StsTxtAnswer::kFound: return "found";
    case StsTxtAnswer::kNone: return "none";
    case StsTxtAnswer::kInvalid: return "invalid";
    case StsTxtAnswer::kDnsError: return "dns-error";
  }
  return "?";
}

std::string_view to_string(StsAction action) {
  switch (action) {
    case StsAction::kUseCached: return "use-cached";
    case StsAction::kFetch: return "fetch";
    case StsAction::kNoPolicy: return "no-policy";
  }
  return "?";
}

}  // namespace sealpost::policy
