// IpAddress: an IPv4 or IPv6 address as a value, parsed from text (RFC 4291 §2.2 forms,
// dotted quad for IPv4) or from the raw octets of a certificate's iPAddress SAN
// (RFC 5280 §4.2.1.6: 4 octets for IPv4, 16 for IPv6). Input may be untrusted: anything else
// is rejected, never guessed at.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sealpost::policy {

class IpAddress {
 public:
  // Accepts "192.0.2.1", "2001:db8::1" and the address-literal forms "[192.0.2.1]",
  // "[IPv6:2001:db8::1]" (RFC 5321 §4.1.3).
  static std::optional<IpAddress> parse(std::string_view text);
  static std::optional<IpAddress> from_octets(std::span<const std::uint8_t> octets);

  bool is_v4() const { return v4_; }
  std::span<const std::uint8_t> octets() const { return {octets_.data(), v4_ ? 4u : 16u}; }
  std::string to_string() const;  // canonical: RFC 5952 for IPv6

  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  IpAddress() = default;
  std::array<std::uint8_t, 16> octets_{};
  bool v4_ = false;
};

}  // namespace sealpost::policy
