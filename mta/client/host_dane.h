// The DANE state of one host before it is connected to (RFC 7672 §2.2; DANE-MTA-STS.md §0–§1):
// the TLSA lookup when DANE may apply (dns/tlsa_lookup.h), the records' usability
// (tls/tlsa_match.h), the state (policy/dane.h), and the trace the session completes. Postfix
// and KumoMTA do the same per MX host; TLSA never reorders the hosts. Untrusted: DNS answers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dns/resolver.h"
#include "policy/dane.h"
#include "tls/tlsa_match.h"

namespace sealpost::mta {

struct HostDane {
  policy::DaneState state = policy::DaneState::kNone;
  std::vector<tls::TlsaRecord> usable;  // with kUsable
  policy::DaneTrace trace;              // state, mx_secure, base and records; matching filled by the session
  bool looked_up = false;               // whether DANE was considered at all (the trace is worth recording)
};

// `facts` with setting, mode, insecure_mx, dnssec_trusted and mx_secure; the TLSA answer is
// filled in here. A host named by an IP address gets no DANE.
void lookup_host_dane(dns::Resolver& resolver, const std::string& host, std::uint16_t port, policy::DaneFacts facts,
                      std::function<void(HostDane)> done);

}  // namespace sealpost::mta
