// The TLS-RPT policy record (RFC 8460 §3; DANE-MTA-STS.md §3 rule 1): the TXT records at
// `_smtp._tls.DOMAIN`, each the concatenation of its strings. Those that do not begin with
// "v=TLSRPTv1" are discarded; exactly one must be left, with a `rua=` list of mailto: and
// https: URIs (",", "!" and ";" inside a URI are percent-encoded, so the list splits on ",").
// Pure. Untrusted: the TXT strings. Limits: kMaxTlsRptUris URIs of at most kMaxTlsRptUriLength
// octets; a URI of another scheme is left out (RFC 8460 §3: only these two are defined).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/result.h"

namespace sealpost::policy {

inline constexpr std::size_t kMaxTlsRptUris = 16;
inline constexpr std::size_t kMaxTlsRptUriLength = 1024;

struct TlsRptTxt {
  std::vector<std::string> rua;  // as published, in order
};

// Nothing: no v=TLSRPTv1 record. An error: several, or one without a usable rua.
Result<std::optional<TlsRptTxt>> parse_tlsrpt_txt(const std::vector<std::string>& records);

}  // namespace sealpost::policy
