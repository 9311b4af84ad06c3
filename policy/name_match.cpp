// Exact and wildcard matching of normalized DNS names (TLS-POLICY.md §4, RFC 9525 §6.3).
#include "policy/name_match.h"

namespace sealpost::policy {

NameMatch match_name(std::string_view presented, std::string_view reference) {
  if (reference.find('*') != std::string_view::npos) return NameMatch::kNone;
  if (presented.starts_with("*.")) {
    // RFC 9525 §6.3: "the wildcard character '*' ... matches only one label".
    const std::string_view rest = presented.substr(1);  // ".example.com"
    if (reference.size() <= rest.size() || !reference.ends_with(rest)) return NameMatch::kNone;
    const std::string_view label = reference.substr(0, reference.size() - rest.size());
    if (label.empty() || label.find('.') != std::string_view::npos) return NameMatch::kNone;
    return NameMatch::kWildcard;
  }
  return presented == reference ? NameMatch::kExact : NameMatch::kNone;
}

std::string_view to_string(NameMatch m) {
  switch (m) {
    case NameMatch::kExact: return "exact";
    case NameMatch::kWildcard: return "wildcard";
    case NameMatch::kNone: break;
  }
  return "no";
}

}  // namespace sealpost::policy
