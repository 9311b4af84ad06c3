// DNS names as Sealpost compares them (TLS-POLICY.md §3–4, RFC 9525 §6.3, RFC 1035 §2.3.4):
// ASCII lowercase, one trailing dot removed, labels 1–63 octets not starting or ending with a
// hyphen (RFC 1123 §2.1, RFC 5890 §2.3.1), name at most 253 octets,
// only letters, digits, hyphen and dot. Presented names (from certificates, untrusted) may
// carry one wildcard as their whole left-most label followed by at least two labels;
// reference names (from the operator, DNS or the envelope) never carry one.
// Internationalized names are compared in A-label form; a U-label is rejected, not converted.
#pragma once

#include <string>
#include <string_view>

#include "policy/result.h"

namespace sealpost::policy {

inline constexpr std::size_t kMaxDnsNameOctets = 253;  // RFC 1035 §2.3.4, without the root dot
inline constexpr std::size_t kMaxDnsLabelOctets = 63;  // RFC 1035 §2.3.4

// For a name found in a certificate. The error says why the name is malformed.
Result<std::string> normalize_presented_name(std::string_view raw);

// For a name we build ourselves: the recipient domain, an MX or PTR target, a route host.
Result<std::string> normalize_reference_name(std::string_view raw);

// For display: printable ASCII as is, anything else as \xNN, so a NUL in a certificate name
// is visible in a trace and never truncates it.
std::string escape_for_display(std::string_view raw);

}  // namespace sealpost::policy
