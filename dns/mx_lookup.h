// Where mail for a domain goes (RFC 5321 §5.1): its MX hosts by preference, equal
// preferences in random order; no MX record → the domain itself (implicit MX); a null MX
// (RFC 7505 §3, "0 .") → the domain accepts no mail. Each host's A and AAAA are looked up
// (CNAMEs followed by the resolver). An MX that names an IP address, or a host with no
// address, is reported with the reason and not used. Only kNotFound and kNullMx may bounce.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dns/resolver.h"
#include "policy/ip_address.h"

namespace sealpost::dns {

inline constexpr std::size_t kMaxMxHosts = 16;

enum class MxStatus { kFound, kNotFound, kNullMx, kTemporaryFailure };
std::string_view to_string(MxStatus status);

struct MxHost {
  std::string name;
  std::uint16_t preference = 0;
  std::vector<policy::IpAddress> addresses;  // AAAA and A answers
  bool authenticated = false;                // AD on both address answers
  std::string problem;                       // why this host is not usable; empty if it is
  LookupStatus address_status = LookupStatus::kFound;
};

struct MxResult {
  MxStatus status = MxStatus::kTemporaryFailure;
  bool implicit = false;       // no MX: the domain's own address records
  bool authenticated = false;  // AD on the MX answer
  std::vector<MxHost> hosts;   // in delivery order; unusable hosts included, with `problem`
  std::string reason;          // for every status but kFound
};

struct MxOptions {
  // Orders hosts of equal preference; default: random (RFC 5321 §5.1 "SHOULD ... randomize").
  std::function<std::uint32_t()> random;
};

void lookup_mx(Resolver& resolver, const std::string& domain, std::function<void(MxResult)> done, MxOptions options = {});

// Both address lookups of one host, joined.
void lookup_addresses(
    Resolver& resolver, const std::string& host,
    std::function<void(std::vector<policy::IpAddress>, LookupStatus, bool authenticated, std::string reason)> done);

}  // namespace sealpost::dns
