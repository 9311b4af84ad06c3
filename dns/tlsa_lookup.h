// The TLSA records of one SMTP host for DANE (RFC 7672 §2.2.2–2.2.3, RFC 6698 §3, RFC 7671 §7;
// DANE-MTA-STS.md §1 rules 2, 4–6): TLSA is asked for only when the host's A/AAAA answers are
// DNSSEC-secure; after a secure CNAME expansion the expanded name is the TLSA base first and the
// original name second (when the expanded one is securely empty); a secure CNAME into an
// insecure zone leaves the original name as the base; a CNAME at the TLSA owner is followed
// (by the resolver) without changing the base. A failed lookup is never cached for more than
// the resolver keeps failures (never). Untrusted: every answer; the AD bit is meaningful only
// when the operator trusts the resolver ([dns] dnssec), which the caller decides.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dns/resolver.h"
#include "policy/dane.h"

namespace sealpost::dns {

struct TlsaLookupResult {
  policy::TlsaAnswer answer = policy::TlsaAnswer::kNotLooked;
  std::string base;               // the TLSA base domain; empty when not looked up
  std::string owner;              // "_PORT._tcp.BASE"
  std::vector<TlsaData> records;  // with kSecureFound
  std::string detail;             // what was asked and what came back, for the trace
};

std::string tlsa_owner(std::uint16_t port, std::string_view base);

void lookup_tlsa(Resolver& resolver, const std::string& host, std::uint16_t port, std::function<void(TlsaLookupResult)> done);

}  // namespace sealpost::dns
