// Parsing and printing of IP addresses. inet_pton/inet_ntop are pure libc conversions; no
// socket is opened here.
#include "policy/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>

namespace sealpost::policy {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
    constexpr std::string_view kTag = "IPv6:";
    if (text.size() > kTag.size() &&
        std::equal(kTag.begin(), kTag.end(), text.begin(), [](char a, char b) { return (a | 0x20) == (b | 0x20); })) {
      text.remove_prefix(kTag.size());
    }
  }
  if (text.empty() || text.size() > 45) return std::nullopt;  // INET6_ADDRSTRLEN - 1
  const std::string s(text);
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.octets_.data()) == 1) {
    ip.v4_ = true;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.octets_.data()) == 1) return ip;
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::from_octets(std::span<const std::uint8_t> octets) {
  if (octets.size() != 4 && octets.size() != 16) return std::nullopt;
  IpAddress ip;
  std::copy(octets.begin(), octets.end(), ip.octets_.begin());
  ip.v4_ = octets.size() == 4;
  return ip;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v4_ ? AF_INET : AF_INET6, octets_.data(), buf, sizeof buf);
  return buf;
}

}  // namespace sealpost::policy
