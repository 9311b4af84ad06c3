// Presented identifiers of a server certificate (TLS-POLICY.md §3, RFC 9525 §6.1): DNS-IDs
// from subjectAltName dNSName, CN-IDs from the Subject's Common Names, IP-IDs from
// subjectAltName iPAddress. The input is untrusted certificate content handed over by tls/:
// a malformed name is kept, marked with its reason, and never matches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/ip_address.h"

namespace sealpost::policy {

// What tls/ extracts from the leaf certificate, as raw as it was encoded.
struct CertificateNames {
  std::vector<std::string> dns_names;                   // SAN dNSName, raw bytes
  std::vector<std::string> common_names;                // Subject CN attributes, decoded to UTF-8
  std::vector<std::vector<std::uint8_t>> ip_addresses;  // SAN iPAddress, raw octets
};

enum class PresentedKind { kDnsId, kCnId, kIpId };

struct PresentedId {
  PresentedKind kind;
  std::string raw;    // for display, escaped (domain_name.h escape_for_display)
  std::string value;  // normalized name or canonical address; empty when malformed
  std::optional<IpAddress> ip;
  std::string malformed;  // why it is malformed; empty when it is well-formed

  bool is_malformed() const { return !malformed.empty(); }
};

std::vector<PresentedId> presented_ids(const CertificateNames& names);

std::string_view to_string(PresentedKind kind);  // "DNS-ID", "CN-ID", "IP-ID"
std::optional<PresentedKind> parse_presented_kind(std::string_view text);

}  // namespace sealpost::policy
