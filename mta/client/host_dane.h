// The DANE state of one host before it is connected to (RFC 7672 §2.2; DANE-MTA-STS.md §0–§1):
// the TLSA lookup when DANE may apply (dns/tlsa_lookup.h), the records' usability
// (tls/tlsa_match.h), the state (policy/dane.h), and the trace the session completes. Postfix
// and KumoMTA do the same per MX host; TLSA never reorders the hosts. Untrusted: DNS answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dns/resolver.h"
#include "policy/dane.h"
#include "tls/certificate.h"
#include "tls/tlsa_match.h"

namespace sealpost::mta {

struct HostDane {
  policy::DaneState state = policy::DaneState::kNone;
  std::vector<tls::TlsaRecord> usable;  // with kUsable
  policy::DaneTrace trace;              // state, mx_secure, base and records; matching filled by the session
  bool looked_up = false;               // whether DANE was considered at all (the trace is worth recording)
};

// The state from facts whose TLSA answer is known (`facts.tlsa`, `facts.detail`), with the
// records found at `base`: what lookup_host_dane ends with, and what `tlsverify --offline
// --tlsa` starts from. `looked_up` says whether a TLSA answer was there to judge.
HostDane decide_host_dane(const policy::DaneFacts& facts, const std::string& base, const std::vector<tls::TlsaRecord>& records,
                          bool looked_up);

// The same after looking up the TLSA records of `host` (a matching trace is left for
// verify_dane). `facts` with setting, mode, insecure_mx, dnssec_trusted and mx_secure. A host
// named by an IP address gets no DANE.
// DANE verification (RFC 7672 §3.1–3.2) of a presented chain against the usable records:
// DANE-EE on the leaf alone; DANE-TA on the path to the matched certificate at `at`, then the
// names of policy::match_dane_names. Fills the trace's matched record, depth, rule, verdict.
void verify_dane(const std::vector<tls::TlsaRecord>& usable, const std::vector<tls::Certificate>& chain,
                 std::chrono::system_clock::time_point at, const policy::DaneNames& names, policy::DaneTrace& trace);

void lookup_host_dane(dns::Resolver& resolver, const std::string& host, std::uint16_t port, policy::DaneFacts facts,
                      std::function<void(HostDane)> done);

}  // namespace sealpost::mta
