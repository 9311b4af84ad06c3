// Builds presented identifiers from raw certificate names (TLS-POLICY.md §3).
#include "policy/presented_id.h"

#include "policy/domain_name.h"

namespace sealpost::policy {
namespace {

PresentedId name_id(PresentedKind kind, const std::string& raw) {
  PresentedId id{.kind = kind, .raw = escape_for_display(raw), .value = {}, .ip = {}, .malformed = {}};
  auto normalized = normalize_presented_name(raw);
  if (normalized) {
    id.value = std::move(*normalized);
  } else {
    id.malformed = normalized.error().message;
  }
  return id;
}

}  // namespace

std::vector<PresentedId> presented_ids(const CertificateNames& names) {
  std::vector<PresentedId> ids;
  ids.reserve(names.dns_names.size() + names.common_names.size() + names.ip_addresses.size());
  for (const auto& n : names.dns_names) ids.push_back(name_id(PresentedKind::kDnsId, n));
  for (const auto& n : names.common_names) ids.push_back(name_id(PresentedKind::kCnId, n));
  for (const auto& octets : names.ip_addresses) {
    PresentedId id{.kind = PresentedKind::kIpId, .raw = {}, .value = {}, .ip = IpAddress::from_octets(octets), .malformed = {}};
    if (id.ip) {
      id.value = id.raw = id.ip->to_string();
    } else {
      id.raw = "(" + std::to_string(octets.size()) + " octets)";
      id.malformed = "is not 4 or 16 octets long";
    }
    ids.push_back(std::move(id));
  }
  return ids;
}

std::string_view to_string(PresentedKind kind) {
  switch (kind) {
    case PresentedKind::kDnsId: return "DNS-ID";
    case PresentedKind::kCnId: return "CN-ID";
    case PresentedKind::kIpId: return "IP-ID";
  }
  return "?";
}

std::optional<PresentedKind> parse_presented_kind(std::string_view text) {
  for (const PresentedKind k : {PresentedKind::kDnsId, PresentedKind::kCnId, PresentedKind::kIpId}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

}  // namespace sealpost::policy
