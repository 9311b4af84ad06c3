// MTA-STS on one host (see sts_host.h).
#include "policy/sts_host.h"

#include <algorithm>
#include <array>

#include "policy/enum_words.h"
#include "policy/ip_address.h"
#include "policy/name_match.h"
#include "policy/verification.h"

namespace sealpost::policy {
namespace {

constexpr std::array kSettings{StsSetting::kOff, StsSetting::kOn, StsSetting::kEnforceTesting};
constexpr std::array kResults{StsResult::kNotEvaluated, StsResult::kVerified, StsResult::kMxMismatch, StsResult::kStarttls,
                              StsResult::kCertificate};

}  // namespace

std::string_view to_string(StsSetting setting) {
  switch (setting) {
    case StsSetting::kOff: return "off";
    case StsSetting::kOn: return "on";
    case StsSetting::kEnforceTesting: return "enforce-testing";
  }
  return "?";
}

std::optional<StsSetting> parse_sts_setting(std::string_view text) { return parse_word(kSettings, text); }

std::string_view to_string(StsResult result) {
  switch (result) {
    case StsResult::kNotEvaluated: return "not-evaluated";
    case StsResult::kVerified: return "verified";
    case StsResult::kMxMismatch: return "mx-mismatch";
    case StsResult::kStarttls: return "starttls";
    case StsResult::kCertificate: return "certificate";
  }
  return "?";
}

std::optional<StsResult> parse_sts_result(std::string_view text) { return parse_word(kResults, text); }

bool sts_enforced(StsMode mode, StsSetting setting) {
  if (setting == StsSetting::kOff) return false;
  return mode == StsMode::kEnforce || (mode == StsMode::kTesting && setting == StsSetting::kEnforceTesting);
}

StsTrace start_sts_trace(const StsInForce& f, std::string_view mx_host, std::int64_t now) {
  StsTrace t{.policy_domain = f.domain,
             .id = f.id,
             .mode = f.policy.mode,
             .mx = f.policy.mx,
             .lines = f.policy.lines,
             .enforced = f.enforce,
             .cache_age = std::max<std::int64_t>(0, now - f.fetched_at),
             .origin = f.origin,
             .fetch_note = f.fetch_note,
             .fetch_failure = f.fetch_failure};
  if (f.origin == "none") {
    t.reason = "no MTA-STS policy applies: " + f.fetch_note;
    return t;
  }
  if (!IpAddress::parse(mx_host)) {
    const auto it =
        std::find_if(f.policy.mx.begin(), f.policy.mx.end(), [&](const auto& p) { return sts_mx_matches(p, mx_host); });
    if (it != f.policy.mx.end()) {
      t.mx_matched = true;
      t.matched_pattern = *it;
    }
  }
  if (!t.mx_matched) {
    t.result = StsResult::kMxMismatch;
    t.reason = "the MTA-STS policy of " + f.domain + " (id " + f.id + ") lists no mx pattern for " + std::string(mx_host);
  }
  return t;
}

bool record_sts_certificate(StsTrace& t, const ChainResult& chain, const std::vector<PresentedId>& presented,
                            std::string_view mx_host) {
  t.reason = !chain.ok ? "certificate chain not trusted: " + chain.error : sts_name_problem(presented, mx_host);
  t.result = t.reason.empty() ? StsResult::kVerified : StsResult::kCertificate;
  return t.reason.empty();
}

std::string sts_name_problem(const std::vector<PresentedId>& presented, std::string_view host) {
  std::string name(host);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; });
  if (!name.empty() && name.back() == '.') name.pop_back();
  std::string seen;
  for (const auto& p : presented) {
    if (p.kind != PresentedKind::kDnsId || p.is_malformed()) continue;
    if (match_name(p.value, name) != NameMatch::kNone) return {};
    seen += (seen.empty() ? "" : ", ") + p.value;
  }
  return "the certificate names " + (seen.empty() ? std::string("no DNS-ID") : seen) + ", not " + std::string(host);
}

}  // namespace sealpost::policy
