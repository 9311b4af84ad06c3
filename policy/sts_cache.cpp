// See sts_cache.h. Each branch names the rule it implements.
#include "policy/sts_cache.h"

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
