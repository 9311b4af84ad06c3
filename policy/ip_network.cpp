// See ip_network.h.
#include "policy/ip_network.h"

#include <array>

#include "policy/domain_name.h"

namespace sealpost::policy {
namespace {

// ::ffff:a.b.c.d → a.b.c.d (RFC 4291 §2.5.5.2), as a dual-stack listener reports IPv4 clients.
IpAddress unmapped(const IpAddress& a) {
  const auto o = a.octets();
  if (a.is_v4()) return a;
  for (std::size_t i = 0; i < 10; ++i) {
    if (o[i] != 0) return a;
  }
  if (o[10] != 0xff || o[11] != 0xff) return a;
  return *IpAddress::from_octets(o.subspan(12, 4));
}

bool bit(std::span<const std::uint8_t> o, unsigned i) { return (o[i / 8] >> (7 - i % 8)) & 1; }

}  // namespace

Result<IpNetwork> IpNetwork::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto addr = IpAddress::parse(text.substr(0, slash));
  const std::string shown = "'" + escape_for_display(text) + "'";
  if (!addr) return Error{shown + " is not an IP network (CIDR, e.g. 192.0.2.0/24 or 2001:db8::/32)"};
  const unsigned max = addr->is_v4() ? 32 : 128;
  unsigned prefix = max;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return Error{shown + ": the prefix length must be 0 to " + std::to_string(max)};
    prefix = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return Error{shown + ": the prefix length must be 0 to " + std::to_string(max)};
      prefix = prefix * 10 + static_cast<unsigned>(c - '0');
    }
    if (prefix > max) return Error{shown + ": the prefix length must be 0 to " + std::to_string(max)};
  }
  for (unsigned i = prefix; i < max; ++i) {
    if (bit(addr->octets(), i))
      return Error{shown + ": host bits are set (did you mean " + addr->to_string() + "/" + std::to_string(max) + "?)"};
  }
  return IpNetwork(*addr, prefix);
}

bool IpNetwork::contains(const IpAddress& address) const {
  const IpAddress a = unmapped(address);
  if (a.is_v4() != base_.is_v4()) return false;
  for (unsigned i = 0; i < prefix_; ++i) {
    if (bit(a.octets(), i) != bit(base_.octets(), i)) return false;
  }
  return true;
}

std::string IpNetwork::to_string() const { return base_.to_string() + "/" + std::to_string(prefix_); }

}  // namespace sealpost::policy
