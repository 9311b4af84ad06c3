// See mta_sts.h. The grammar is RFC 8461's ABNF (§3.1, §3.2), read strictly where it decides
// whether a policy exists or what it allows, and leniently only where every implementation is
// (blank lines, trailing white space, CRLF or LF).
#include "policy/mta_sts.h"

#include "policy/utf8.h"

#include <algorithm>

#include "policy/domain_name.h"
#include "policy/txt_fields.h"

namespace sealpost::policy {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }
bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; });
  return out;
}

std::string shown(std::string_view s) { return escape_for_display(s.substr(0, 80)); }

constexpr std::string_view kStsVersion = "v=STSv1";

// An MX pattern (sts-policy-mx-value = ["*."] Domain) in the form compared.
Result<std::string> mx_pattern(std::string_view raw) {
  const bool wildcard = raw.starts_with("*.");
  // RFC 8461 §3.2: Domain as RFC 5321 has it, ASCII: internationalized names as A-labels.
  if (has_non_ascii(raw)) return Error{"mx '" + shown(raw) + "' is not ASCII: the policy must give A-labels (RFC 8461 §3.2)"};
  auto name = normalize_reference_name(wildcard ? raw.substr(2) : raw);
  if (!name) return Error{"mx '" + shown(raw) + "' " + name.error().message};
  return (wildcard ? "*." : "") + *name;
}

}  // namespace

std::string_view to_string(StsMode mode) {
  switch (mode) {
    case StsMode::kEnforce: return "enforce";
    case StsMode::kTesting: return "testing";
    case StsMode::kNone: return "none";
  }
  return "?";
}

std::optional<StsMode> parse_sts_mode(std::string_view text) {
  for (const StsMode m : {StsMode::kEnforce, StsMode::kTesting, StsMode::kNone}) {
    if (to_string(m) == text) return m;
  }
  return std::nullopt;
}

Result<std::optional<StsTxt>> parse_sts_txt(const std::vector<std::string>& records) {
  std::vector<std::string_view> sts;
  for (const auto& r : records) {
    if (txt_announces(r, kStsVersion)) sts.push_back(r);
  }
  if (sts.empty()) return std::optional<StsTxt>{};
  if (sts.size() > 1) return Error{std::to_string(sts.size()) + " TXT records begin with v=STSv1 (RFC 8461 §3.1 wants one)"};
  auto fields = txt_fields(sts.front().substr(kStsVersion.size()));
  if (!fields) return fields.error();
  std::optional<std::string> id;
  for (const std::string_view field : *fields) {
    const std::size_t eq = field.find('=');
    if (eq == 0 || eq == std::string_view::npos) return Error{"TXT field '" + shown(field) + "' is not NAME=VALUE"};
    const std::string_view name = field.substr(0, eq), value = field.substr(eq + 1);
    if (value.empty() || std::any_of(value.begin(), value.end(), [](char c) { return c <= ' ' || c == '=' || c > '~'; })) {
      return Error{"TXT field '" + shown(field) + "' has a malformed value"};
    }
    if (name != "id" || id) continue;  // extensions are ignored (§3.1); the first id counts
    if (value.size() > kMaxStsIdLength || !std::all_of(value.begin(), value.end(), is_alnum)) {
      return Error{"TXT id '" + shown(value) + "' is not 1-32 letters and digits"};
    }
    id = std::string(value);
  }
  if (!id) return Error{"the v=STSv1 TXT record has no id"};
  return std::optional<StsTxt>(StsTxt{.id = std::move(*id)});
}

Result<StsPolicy> parse_sts_policy(std::string_view text) {
  if (text.size() > kMaxStsPolicyOctets) return Error{"the policy is larger than 64 KiB"};
  StsPolicy p;
  std::optional<std::string> version, mode, max_age;
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t lf = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, lf - pos);
    pos = lf + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string at = "line " + std::to_string(line_no) + ": ";
    if (trim(line).empty()) continue;
    if (line.find('\r') != std::string_view::npos || line.find('\0') != std::string_view::npos) {
      return Error{at + "a stray CR or NUL"};
    }
    p.lines.emplace_back(trim(line));
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Error{at + "'" + shown(line) + "' is not 'key: value'"};
    const std::string_view key = line.substr(0, colon), value = trim(line.substr(colon + 1));
    if (!std::all_of(key.begin(), key.end(), [](char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; })) {
      return Error{at + "key '" + shown(key) + "' is not a policy key"};
    }
    if (value.empty()) return Error{at + "key '" + shown(key) + "' has no value"};
    if (key == "mx") {
      if (p.mx.size() == kMaxStsMxPatterns) return Error{at + "more than " + std::to_string(kMaxStsMxPatterns) + " mx lines"};
      auto pattern = mx_pattern(value);
      if (!pattern) return Error{at + pattern.error().message};
      p.mx.push_back(std::move(*pattern));
      continue;
    }
    // §3.2 leaves a repeated key open; the first wins (DANE-MTA-STS.md §2 rule 4).
    std::optional<std::string>* slot = key == "version"   ? &version
                                       : key == "mode"    ? &mode
                                       : key == "max_age" ? &max_age
                                                          : nullptr;
    if (slot && !*slot) *slot = std::string(value);
  }
  if (!version) return Error{"the policy has no version"};
  if (*version != "STSv1") return Error{"version '" + shown(*version) + "' is not STSv1"};
  if (!mode) return Error{"the policy has no mode"};
  const auto m = parse_sts_mode(*mode);
  if (!m) return Error{"mode '" + shown(*mode) + "' is not enforce, testing or none"};
  p.mode = *m;
  if (!max_age) return Error{"the policy has no max_age"};
  if (max_age->empty() || max_age->size() > 10 ||
      !std::all_of(max_age->begin(), max_age->end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoull(*max_age) > kMaxStsMaxAge) {
    return Error{"max_age '" + shown(*max_age) + "' is not a number of seconds from 0 to 31557600"};
  }
  p.max_age = static_cast<std::uint32_t>(std::stoull(*max_age));
  if (p.mx.empty() && p.mode != StsMode::kNone) return Error{"a policy in mode " + *mode + " needs at least one mx line"};
  return p;
}

bool sts_mx_matches(std::string_view pattern, std::string_view host) {
  std::string h = lower(host);
  if (!h.empty() && h.back() == '.') h.pop_back();
  const std::string pat = lower(pattern);
  if (!pat.starts_with("*.")) return !pat.empty() && h == pat;
  // "*." covers one whole label: the host is LABEL "." REST with no dot inside LABEL.
  const std::string_view rest = std::string_view(pat).substr(1);  // ".example.net"
  if (h.size() <= rest.size() || !std::string_view(h).ends_with(rest)) return false;
  const std::string_view label = std::string_view(h).substr(0, h.size() - rest.size());
  return !label.empty() && label.find('.') == std::string_view::npos;
}

bool sts_mx_allowed(const StsPolicy& policy, std::string_view host) {
  return std::any_of(policy.mx.begin(), policy.mx.end(), [&](const std::string& p) { return sts_mx_matches(p, host); });
}

}  // namespace sealpost::policy
