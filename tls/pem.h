// Reads certificates from PEM text (RFC 7468 §2, §5): a chain file, a trustpoint, the system
// bundle, or text pasted on standard input. Untrusted: errors name the source and line; a
// private key or any block other than CERTIFICATE is refused, never silently skipped, so a
// key never lands in a trust directory.
#pragma once

#include <string_view>
#include <vector>

#include "policy/result.h"
#include "tls/certificate.h"

namespace sealpost::tls {

inline constexpr std::size_t kMaxPemOctets = 16u << 20;  // larger than any CA bundle
inline constexpr std::size_t kMaxPemCertificates = 1000;

struct PemOptions {
  bool skip_unparsable = false;  // the system bundle: a certificate Botan cannot read is skipped
};

Result<std::vector<Certificate>> read_pem_certificates(std::string_view text, std::string_view source, PemOptions options = {});

}  // namespace sealpost::tls
