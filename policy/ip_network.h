// An IP network in CIDR notation (RFC 4632 §3.1, RFC 4291 §2.3): the relay networks a client
// must be in before the relay accepts mail for other domains. Untrusted: operator config.
// An IPv4-mapped IPv6 client address (::ffff:192.0.2.1) is matched as IPv4.
#pragma once

#include <string_view>

#include "policy/ip_address.h"
#include "policy/result.h"

namespace sealpost::policy {

class IpNetwork {
 public:
  // "127.0.0.0/8", "::1/128", or an address alone (a /32 or /128). Host bits must be zero.
  static Result<IpNetwork> parse(std::string_view text);
  bool contains(const IpAddress& address) const;
  std::string to_string() const;

 private:
  IpNetwork(IpAddress base, unsigned prefix) : base_(base), prefix_(prefix) {}
  IpAddress base_;
  unsigned prefix_;
};

}  // namespace sealpost::policy
