// PTR names of an address (RFC 1035 §3.5 in-addr.arpa, RFC 3596 §2.5 ip6.arpa) with each
// name's own A/AAAA answers: the evidence policy/ needs to decide forward confirmation
// (TLS-POLICY.md §5). At most 8 names are followed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "dns/resolver.h"
#include "policy/delivery_facts.h"

namespace sealpost::dns {

inline constexpr std::size_t kMaxPtrNames = 8;

struct PtrResult {
  LookupStatus status = LookupStatus::kTemporaryFailure;
  std::vector<policy::PtrFact> names;
  bool authenticated = false;
  std::string reason;
};

std::string reverse_name(const policy::IpAddress& ip);

void lookup_ptr(Resolver& resolver, const policy::IpAddress& ip, std::function<void(PtrResult)> done);

}  // namespace sealpost::dns
