// DNS names as Sealpost compares them (TLS-POLICY.md §3–4, RFC 9525 §6.3, RFC 1035 §2.3.4):
// ASCII lowercase, one trailing dot removed, labels 1–63 octets not starting or ending with a
// hyphen (RFC 1123 §2.1, RFC 5890 §2.3.1), name at most 253 octets,
// only letters, digits, hyphen and dot. Presented names (from certificates, untrusted) may
// carry one wildcard as their whole left-most label followed by at least two labels;
// reference names (from the operator, DNS or the envelope) never carry one.
// Internationalized names are compared in A-label form (RFC 9525 §6.3): a reference name in
// U-labels is converted (IDNA2008 with UTS #46 mapping, idna/idna.h) and an A-label in it is
// checked; a presented name must already be ASCII (a dNSName is an IA5String), so a U-label
// there is refused.
#pragma once

#include <string>
#include <string_view>

#include "policy/result.h"

namespace sealpost::policy {

inline constexpr std::size_t kMaxDnsNameOctets = 253;  // RFC 1035 §2.3.4, without the root dot
inline constexpr std::size_t kMaxDnsLabelOctets = 63;  // RFC 1035 §2.3.4

// For a name found in a certificate. The error says why the name is malformed.
Result<std::string> normalize_presented_name(std::string_view raw);

// For a name we build ourselves: the recipient domain, an MX or PTR target, a route host, a
// destconfig or smtproutes key. U-labels are converted to A-labels here, once.
Result<std::string> normalize_reference_name(std::string_view raw);

// Whether a label of `name` starts with the ACE prefix "xn--" (RFC 5890 §2.3.1), any case.
bool has_a_label(std::string_view name);

// For display beside the A-label form: the U-label form of a name with A-labels, or empty
// when it has none (or one that does not decode). with_unicode_form gives
// "xn--bcher-kva.example (bücher.example)", or the name alone.
std::string unicode_form(std::string_view name);
std::string with_unicode_form(std::string_view name);

// For display: printable ASCII as is, anything else as \xNN, so a NUL in a certificate name
// is visible in a trace and never truncates it.
std::string escape_for_display(std::string_view raw);

}  // namespace sealpost::policy
