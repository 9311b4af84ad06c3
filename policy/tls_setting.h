// The six per-destination TLS settings of TLS-POLICY.md §6, as an ordered enum with named
// predicates (the shape of Postfix's tls_level.c). Parsing is fail-closed: an unknown word is
// an error, never a default.
#pragma once

#include <optional>
#include <string_view>

namespace sealpost::policy {

enum class TlsSetting {
  kNo,
  kPreferred,
  kRequired,
  kPreferredVerify,
  kRequiredVerify,
  kRequiredVerifyHosted,
};

// Which identity rules a verification uses (TLS-POLICY.md §8 and §9).
enum class IdentityRules { kVerify, kHosted };

std::string_view to_string(TlsSetting setting);
std::optional<TlsSetting> parse_tls_setting(std::string_view text);
std::string_view to_string(IdentityRules rules);
std::optional<IdentityRules> parse_identity_rules(std::string_view text);  // "verify", "hosted"

// The accepted words, for error messages and help text.
inline constexpr std::string_view kTlsSettingWords =
    "no, preferred, required, preferred-verify, required-verify, required-verify-hosted";

constexpr bool sends_starttls(TlsSetting s) { return s != TlsSetting::kNo; }
constexpr bool requires_tls(TlsSetting s) {
  return s == TlsSetting::kRequired || s == TlsSetting::kRequiredVerify || s == TlsSetting::kRequiredVerifyHosted;
}
constexpr bool verifies_certificate(TlsSetting s) {
  return s == TlsSetting::kPreferredVerify || s == TlsSetting::kRequiredVerify || s == TlsSetting::kRequiredVerifyHosted;
}
// A failed verification stops delivery on the host only for settings 5 and 6 (§6).
constexpr bool requires_verification(TlsSetting s) {
  return s == TlsSetting::kRequiredVerify || s == TlsSetting::kRequiredVerifyHosted;
}
// Settings that do not verify still answer "would this verify?" with the Verify rules.
constexpr IdentityRules identity_rules_for(TlsSetting s) {
  return s == TlsSetting::kRequiredVerifyHosted ? IdentityRules::kHosted : IdentityRules::kVerify;
}

}  // namespace sealpost::policy
