// The evidence about one connection that reference identifiers are built from
// (TLS-POLICY.md §5): what the user said, what DNS said, what the operator configured. It is
// gathered by dns/ and mta/ (or typed on the tlsverify command line) and is independent of
// the certificate, as RFC 6125 §6.2.1 requires.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/ip_address.h"

namespace sealpost::policy {

// One PTR name of the connected IP, with that name's own A/AAAA answers, so that forward
// confirmation (A(PTR(IP)) = IP) is computed here and not taken on trust.
struct PtrFact {
  std::string name;
  std::vector<IpAddress> addresses;
};

// A(PTR(IP)) = IP: the PTR name's own A/AAAA answers include the connected address.
bool forward_confirmed(const PtrFact& ptr, const std::optional<IpAddress>& ip);

struct DeliveryFacts {
  std::string recipient_domain;           // domain of the envelope recipient
  std::optional<std::string> mx_host;     // MX target connected to; absent with a route
  std::optional<IpAddress> connected_ip;  // the address the TCP connection went to
  std::vector<PtrFact> ptr;               // PTR names of connected_ip
  std::vector<std::string> route_hosts;   // every host of the SMTP route; empty: by MX

  bool by_route() const { return !route_hosts.empty(); }
};

}  // namespace sealpost::policy
