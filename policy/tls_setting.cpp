// Names of the TLS settings, exactly as destconfig files and logs spell them.
#include "policy/tls_setting.h"

#include <array>
#include <utility>

namespace sealpost::policy {
namespace {
constexpr std::array<std::pair<TlsSetting, std::string_view>, 6> kNames{{
    {TlsSetting::kNo, "no"},
    {TlsSetting::kPreferred, "preferred"},
    {TlsSetting::kRequired, "required"},
    {TlsSetting::kPreferredVerify, "preferred-verify"},
    {TlsSetting::kRequiredVerify, "required-verify"},
    {TlsSetting::kRequiredVerifyHosted, "required-verify-hosted"},
}};
}  // namespace

std::string_view to_string(TlsSetting setting) {
  for (const auto& [s, name] : kNames) {
    if (s == setting) return name;
  }
  return "?";
}

std::optional<TlsSetting> parse_tls_setting(std::string_view text) {
  for (const auto& [s, name] : kNames) {
    if (name == text) return s;
  }
  return std::nullopt;
}

std::string_view to_string(IdentityRules rules) { return rules == IdentityRules::kHosted ? "hosted" : "verify"; }

std::optional<IdentityRules> parse_identity_rules(std::string_view text) {
  for (const IdentityRules r : {IdentityRules::kVerify, IdentityRules::kHosted}) {
    if (to_string(r) == text) return r;
  }
  return std::nullopt;
}

}  // namespace sealpost::policy
